import { expect, test } from '@playwright/test';
import { newOwner, screenshot, signUp } from './support';

const sections = [
  'Dashboard',
  'Leads',
  'Deals',
  'Contacts',
  'Companies',
  'Inventory',
  'Tasks',
  'Calls',
  'Approvals',
  'Reports',
  'Settings',
];

test('sign up, sign out, sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The CRM for real-estate sales teams');
  await screenshot(page, 'landing');
  await page.getByRole('link', { name: 'Create a workspace' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await screenshot(page, 'signup');

  const owner = await signUp(page, newOwner());

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(sections);
  await expect(page.getByTestId('workspace-name')).toHaveText(`Workspace ${owner.workspace}`);
  await expect(page.getByRole('button', { name: /^Notifications, / })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Search' })).toBeVisible();
  await screenshot(page, 'dashboard');

  await page.getByRole('button', { name: owner.name }).click();
  await expect(page.getByRole('link', { name: 'Profile' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  // Signed out: the app's pages send the visitor to sign in again.
  await page.goto('/app/leads');
  await expect(page).toHaveURL(/\/login$/);
  await screenshot(page, 'login');

  await page.getByLabel('Workspace').fill(owner.workspace);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back where the visitor was going, with a URL of its own that survives a reload.
  await expect(page).toHaveURL(/\/app\/leads$/);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Leads' })).toBeVisible();
  await nav.getByRole('link', { name: 'Deals' }).click();
  await expect(page).toHaveURL(/\/app\/deals$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/app\/leads$/);
});

test('a wrong password is refused without saying which part was wrong', async ({ page }) => {
  const owner = await signUp(page);
  await page.evaluate(() => window.localStorage.clear());

  await page.goto('/login');
  await page.getByLabel('Workspace').fill(owner.workspace);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});

test('the theme follows the system and can be switched', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signUp(page);
  const html = page.locator('html');
  await expect(html).toHaveClass(/dark/);

  await page.getByLabel('Theme').selectOption('light');
  await expect(html).not.toHaveClass(/dark/);
  await page.reload();
  await expect(html).not.toHaveClass(/dark/);

  await page.getByLabel('Theme').selectOption('dark');
  await expect(html).toHaveClass(/dark/);
  await screenshot(page, 'dashboard-dark');
});
