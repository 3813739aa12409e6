import { expect, test } from '@playwright/test';
import { screenshot, signUp } from './support';

test('verify the email from the profile: send a code, and a wrong code is refused', async ({ page }) => {
  const owner = await signUp(page);
  await page.goto('/app/profile');
  await page.getByRole('link', { name: 'Verify your email' }).click();
  await expect(page).toHaveURL(/\/app\/profile\/verify\/email$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Verify your email');
  await expect(page.getByText(owner.email)).toBeVisible();

  await page.getByRole('button', { name: 'Send a code' }).click();
  await expect(page.getByText('Code sent.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Code' }).fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('The code is not valid or has expired');
  await screenshot(page, 'verify-email');

  // The profile has no mobile number yet: the page says so rather than offering a code.
  await page.goto('/app/profile/verify/mobile');
  await expect(page.getByText('Your profile has no mobile number yet.')).toBeVisible();
});
