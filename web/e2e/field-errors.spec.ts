import { expect, test } from '@playwright/test';
import { newOwner, signUp } from './support';

test('a field error from the server appears next to its field', async ({ page }) => {
  await signUp(page);
  await page.goto('/app/leads/new');
  await page.getByLabel('Name').fill('Wrong Number');
  await page.getByLabel('Phone').fill('12345');
  await page.getByLabel('Source').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Create lead' }).click();

  const phone = page.getByLabel('Phone');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription(/international form/);
  await expect(page.getByLabel('Name')).not.toHaveAttribute('aria-invalid');
  await expect(page).toHaveURL(/\/app\/leads\/new$/);
});

test('a taken workspace is named next to the Workspace field', async ({ page, browser }) => {
  const taken = await signUp(page);

  const other = await browser.newPage();
  const owner = newOwner();
  await other.goto('/signup');
  await other.getByLabel('Workspace name').fill('Another');
  await other.getByLabel('Workspace', { exact: true }).fill(taken.workspace);
  await other.getByLabel('Your name').fill(owner.name);
  await other.getByLabel('Email').fill(owner.email);
  await other.getByLabel('Password').fill(owner.password);
  await other.getByRole('button', { name: 'Create workspace' }).click();

  const workspace = other.getByLabel('Workspace', { exact: true });
  await expect(workspace).toHaveAttribute('aria-invalid', 'true');
  await expect(other).toHaveURL(/\/signup$/);
  await other.close();
});
