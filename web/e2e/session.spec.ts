import { expect, test, type Page } from '@playwright/test';
import { signUp } from './support';

interface StoredSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

const read = (page: Page) =>
  page.evaluate(
    () => JSON.parse(window.localStorage.getItem('m3.session') ?? 'null') as StoredSession | null,
  );

const write = (page: Page, change: Partial<StoredSession>) =>
  page.evaluate((change) => {
    const session = JSON.parse(window.localStorage.getItem('m3.session')!) as StoredSession;
    window.localStorage.setItem('m3.session', JSON.stringify({ ...session, ...change }));
  }, change);

test('an access token about to expire is renewed before the call, without the user noticing', async ({
  page,
}) => {
  await signUp(page);
  const before = (await read(page))!;

  // As if the access token's 15 minutes were nearly up; set from the landing page, which calls no API (see below:
  // the dashboard, still loading, would renew the token itself and be unloaded before it kept the answer).
  await page.goto('/');
  await write(page, { expiresAt: Date.now() + 5_000 });
  await page.goto('/app/leads');

  await expect(page.getByText('No leads match.')).toBeVisible();
  const after = (await read(page))!;
  expect(after.refreshToken).not.toBe(before.refreshToken);
  // (The access token itself may read the same: the server signs the same claims within one second.)
  expect(after.expiresAt).toBeGreaterThan(Date.now() + 60_000);
  await expect(page).toHaveURL(/\/app\/leads$/);
});

test('an access token the server refuses is renewed and the call made again', async ({ page }) => {
  const owner = await signUp(page);
  const before = (await read(page))!;

  // The token is spoiled from the landing page, which calls no API: a signed-in page would see the change, ask for a
  // new token itself, and be unloaded by the navigation before it kept the answer (the next page then presents the
  // spent refresh token, which ends the session).
  await page.goto('/');
  await write(page, { accessToken: 'not-a-token' });
  await page.goto('/app/profile');

  // The profile's email comes from GET /me, answered only once the renewed token was sent.
  await expect(page.getByText(owner.email)).toBeVisible();
  const after = (await read(page))!;
  expect(after.refreshToken).not.toBe(before.refreshToken);
  expect(after.accessToken).not.toBe('not-a-token');
});

test('a spent refresh token ends the session: the app asks to sign in again', async ({ page }) => {
  await signUp(page);
  const spent = (await read(page))!.refreshToken;
  const rotated = await page.request.post('/api/v1/auth/refresh', { data: { refreshToken: spent } });
  expect(rotated.status()).toBe(200);

  // The page still holds the spent token; its next renewal presents it, which revokes the whole family.
  await write(page, { accessToken: 'not-a-token' });
  await page.goto('/app/leads');

  await expect(page).toHaveURL(/\/login$/);
  expect(await read(page)).toBeNull();
});
