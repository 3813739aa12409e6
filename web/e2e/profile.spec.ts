import { expect, test, type Page } from '@playwright/test';
import { screenshot, signUp, type Owner } from './support';

async function signIn(page: Page, owner: Owner, password: string) {
  await page.goto('/login');
  await page.getByLabel('Workspace').fill(owner.workspace);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Makes the page's access token unusable, so that its next call must renew with its refresh token. */
const spoilAccessToken = (page: Page) =>
  page.evaluate(() => {
    const session = JSON.parse(window.localStorage.getItem('m3.session')!) as Record<string, unknown>;
    window.localStorage.setItem('m3.session', JSON.stringify({ ...session, accessToken: 'spoilt' }));
  });

test('rename, and change the password: other sessions end, this one goes on', async ({ page, browser }) => {
  const owner = await signUp(page);
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await signIn(other, owner, owner.password);
  await expect(other).toHaveURL(/\/app\/dashboard$/);

  await page.getByRole('button', { name: owner.name }).click();
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(page).toHaveURL(/\/app\/profile$/);
  await page.getByLabel('Name').fill('Olivia Renamed');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('button', { name: 'Olivia Renamed' })).toBeVisible();

  // A wrong current password is named next to its field.
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a brand new passphrase 42');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Current password')).toHaveAccessibleDescription(
    'The current password is not correct.',
  );
  await screenshot(page, 'profile');

  await page.getByLabel('Current password').fill(owner.password);
  await page.getByLabel('New password').fill('a brand new passphrase 42');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'every other session is signed out' }),
  ).toBeVisible();

  // The other browser's session is over: its next renewal is refused and it is asked to sign in.
  await spoilAccessToken(other);
  await other.goto('/app/leads');
  await expect(other).toHaveURL(/\/login$/);

  // This one renews as before.
  await spoilAccessToken(page);
  await page.goto('/app/leads');
  await expect(page.getByRole('heading', { name: 'Leads' })).toBeVisible();

  await signIn(other, owner, owner.password);
  await expect(other.getByRole('alert')).toBeVisible();
  await signIn(other, owner, 'a brand new passphrase 42');
  // Signed in again, back in the app (where it was going when it was sent to sign in, or the dashboard).
  await expect(other).toHaveURL(/\/app\/(leads|dashboard)$/);
  await elsewhere.close();
});
