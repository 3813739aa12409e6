import { expect, test } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

test('create a lead and find it by search', async ({ page }) => {
  await signUp(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
  await expect(page.getByText('No leads match.')).toBeVisible();
  await page.getByRole('link', { name: 'New lead' }).click();

  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Phone').fill('+44 20 7946 0123');
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByLabel('Source').selectOption({ index: 1 });
  await screenshot(page, 'lead-new');
  await page.getByRole('button', { name: 'Create lead' }).click();

  await expect(page).toHaveURL(/\/app\/leads\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Grace Hopper' })).toBeVisible();
  await expect(page.getByText('+442079460123')).toBeVisible();
  await screenshot(page, 'lead-detail');

  // A second lead, so that the search has something to leave out.
  await page.goto('/app/leads/new');
  await page.getByLabel('Name').fill('Alan Turing');
  await page.getByLabel('Source').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Create lead' }).click();
  await expect(page.getByRole('heading', { name: 'Alan Turing' })).toBeVisible();

  await page.getByRole('combobox', { name: 'Search' }).fill('grace');
  await page.getByRole('combobox', { name: 'Search' }).press('Enter');
  await expect(page).toHaveURL(/\/app\/leads\?q=grace$/);
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Grace Hopper');
  await expect(rows.nth(1)).toContainText('Website');
  await expect(page.getByRole('searchbox', { name: 'Search leads' })).toHaveValue('grace');
  await screenshot(page, 'leads-search');

  // The list's own search box, by phone digits.
  await page.getByRole('searchbox', { name: 'Search leads' }).fill('7946');
  await expect(page).toHaveURL(/q=7946/);
  await expect(rows).toHaveCount(2);
  await rows.nth(1).getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(page.getByRole('heading', { name: 'Grace Hopper' })).toBeVisible();
});

test('a duplicate lead offers to open the existing one', async ({ page }) => {
  await signUp(page);
  const headers = await sessionOf(page);
  const existing = await page.request.post('/api/v1/leads', {
    headers,
    data: { name: 'Existing Lead', phone: '+15550100200', source: 'web' },
  });
  expect(existing.status(), await existing.text()).toBe(201);
  const { id } = (await existing.json()) as { id: string };

  await page.goto('/app/leads/new');
  await page.getByLabel('Name').fill('Same Phone');
  await page.getByLabel('Phone').fill('+1 555 010 0200');
  await page.getByLabel('Source').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Create lead' }).click();
  await page.getByRole('link', { name: 'Open the existing lead' }).click();

  await expect(page).toHaveURL(new RegExp(`/app/leads/${id}$`));
  await expect(page.getByRole('heading', { name: 'Existing Lead' })).toBeVisible();
});

test('filters and keyset paging as the list scrolls', async ({ page }) => {
  await signUp(page);
  const headers = await sessionOf(page);
  for (let i = 0; i < 60; i++) {
    const created = await page.request.post('/api/v1/leads', {
      headers,
      data: { name: `Paged ${String(i).padStart(2, '0')}`, source: i % 2 === 0 ? 'web' : 'referral' },
    });
    expect(created.status(), await created.text()).toBe(201);
  }

  await page.goto('/app/leads');
  // The table says how many rows it has (the header and the leads loaded), though only those near the viewport
  // are in the page.
  const table = page.getByRole('table');
  await expect(table).toHaveAttribute('aria-rowcount', '51');
  await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
  await expect(table).toHaveAttribute('aria-rowcount', '61');
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(page.getByRole('link', { name: 'Paged 00' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Paged 00/ })).toHaveAttribute('aria-rowindex', '61');
  expect(await table.getByRole('row').count()).toBeLessThan(61);
  await screenshot(page, 'leads-list');

  await page.getByLabel('Source').selectOption({ label: 'Referral' });
  await expect(page).toHaveURL(/source=referral/);
  await expect(table).toHaveAttribute('aria-rowcount', '31');
});

test("change a lead's status in the list, then edit the lead", async ({ page }) => {
  await signUp(page);
  const created = await page.request.post('/api/v1/leads', {
    headers: await sessionOf(page),
    data: { name: 'Edit Me', source: 'web' },
  });
  expect(created.status()).toBe(201);

  await page.goto('/app/leads');
  const status = page.getByRole('combobox', { name: 'Status of Edit Me' });
  const next = status.locator('option').nth(1);
  const key = (await next.getAttribute('value')) ?? '';
  const name = (await next.textContent()) ?? '';
  const saved = page.waitForResponse(
    (r) => r.request().method() === 'PATCH' && r.url().includes('/api/v1/leads/'),
  );
  await status.selectOption(key);
  expect((await saved).status()).toBe(200);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Status of Edit Me' })).toHaveValue(key);

  await page.getByRole('link', { name: 'Edit Me' }).click();
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page).toHaveURL(/\/app\/leads\/[0-9a-f-]{36}\/edit$/);
  await expect(page.getByLabel('Name')).toHaveValue('Edit Me');
  await page.getByLabel('Name').fill('Edited Lead');
  await page.getByLabel('Notes').fill('Prefers a call after six.');
  await page.getByRole('button', { name: 'Save lead' }).click();

  await expect(page.getByRole('heading', { name: 'Edited Lead' })).toBeVisible();
  await expect(page.getByText('Prefers a call after six.')).toBeVisible();
  await expect(page.getByText(name, { exact: true })).toBeVisible();
});
