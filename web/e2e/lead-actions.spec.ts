import { expect, test } from '@playwright/test';
import { screenshot, signUp } from './support';

test('create a lead, find it by search, log a call, add a task, assign and convert it', async ({ page }) => {
  await signUp(page);
  await page.goto('/app/leads/new');
  await page.getByLabel('Name').fill('Katherine Johnson');
  await page.getByLabel('Phone').fill('+1 555 014 2020');
  await page.getByLabel('Source').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Create lead' }).click();
  await expect(page.getByRole('heading', { name: 'Katherine Johnson' })).toBeVisible();

  // Found from the top bar's search, from anywhere in the app.
  await page.goto('/app/dashboard');
  const search = page.getByRole('combobox', { name: 'Search' });
  await search.fill('katherine');
  await expect(page.getByRole('option', { name: /Katherine Johnson/ })).toBeVisible();
  await search.press('ArrowDown');
  await search.press('Enter');
  await expect(page).toHaveURL(/\/app\/leads\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Katherine Johnson' })).toBeVisible();

  const timeline = page.getByTestId('timeline');
  await page.locator('summary', { hasText: 'Log a call' }).click();
  await page.getByRole('form', { name: 'Log a call' }).getByLabel('Outcome').selectOption('interested');
  await page.getByRole('form', { name: 'Log a call' }).getByLabel('Call notes').fill('Wants a two-bedroom.');
  await page.getByRole('button', { name: 'Log call' }).click();
  await expect(timeline).toContainText('Call: interested');
  await expect(timeline).toContainText('Wants a two-bedroom.');

  await page.locator('summary', { hasText: 'Add a task' }).click();
  await page.getByRole('form', { name: 'Add a task' }).getByLabel('Task').fill('Send the floor plans');
  await page.getByRole('form', { name: 'Add a task' }).getByLabel('Assignee').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Add task' }).click();
  await expect(timeline).toContainText('Task: Send the floor plans');

  await page.locator('summary', { hasText: 'Assign' }).click();
  await page.getByLabel('New owner').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByText('Lead assigned.')).toBeVisible();

  await page.locator('summary', { hasText: 'Convert' }).click();
  await page.getByLabel('Company name (optional)').fill('NASA Langley');
  await page.getByLabel('Deal value').fill('250000');
  await screenshot(page, 'lead-actions');
  await page.getByRole('button', { name: 'Convert lead' }).click();
  await expect(page.getByText(/Converted to a/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'deal', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Convert lead' })).toHaveCount(0);
  await expect(timeline).toContainText('Lead converted');
  await screenshot(page, 'lead-converted');
});
