import { expect, test } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

test('create a deal, drag it across the board, and find the move kept after a reload', async ({ page }) => {
  await signUp(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deals');
  const columns = page.getByRole('region');
  await expect(columns.first()).toBeVisible();
  const first = (await columns.nth(0).getByRole('heading').textContent()) ?? '';
  const second = (await columns.nth(1).getByRole('heading').textContent()) ?? '';

  await page.getByRole('link', { name: 'New deal' }).click();
  await page.getByLabel('Title').fill('Penthouse 12B');
  await page.getByLabel('Value').fill('480000');
  await page.getByLabel('Expected close').fill('2027-03-31');
  await screenshot(page, 'deal-new');
  await page.getByRole('button', { name: 'Create deal' }).click();
  await expect(page).toHaveURL(/\/app\/deals\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Penthouse 12B' })).toBeVisible();
  await expect(page.getByText(first, { exact: false }).first()).toBeVisible();

  await page.getByRole('link', { name: '← Deals' }).click();
  const card = page.getByRole('article', { name: 'Penthouse 12B' });
  await expect(
    page.getByRole('region', { name: first }).getByRole('article', { name: 'Penthouse 12B' }),
  ).toBeVisible();
  const moved = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/move'));
  await card.dragTo(page.getByRole('region', { name: second }));
  expect((await moved).status()).toBe(200);
  await expect(
    page.getByRole('region', { name: second }).getByRole('article', { name: 'Penthouse 12B' }),
  ).toBeVisible();
  await screenshot(page, 'deals-board');

  await page.reload();
  await expect(
    page.getByRole('region', { name: second }).getByRole('article', { name: 'Penthouse 12B' }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: first }).getByRole('article')).toHaveCount(0);

  // The keyboard way: the card's "Move to" list.
  await page.getByLabel('Move Penthouse 12B to').selectOption({ label: `Move to ${first}` });
  await expect(
    page.getByRole('region', { name: first }).getByRole('article', { name: 'Penthouse 12B' }),
  ).toBeVisible();
  await expect(
    page.getByRole('status').filter({ hasText: `Penthouse 12B moved to ${first}.` }),
  ).toBeAttached();

  // The deal's timeline names both moves.
  await page.getByRole('link', { name: 'Penthouse 12B' }).click();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline).toContainText(`Moved from ${first} to ${second}`);
  await expect(timeline).toContainText(`Moved from ${second} to ${first}`);
});

test('a discount over the policy awaits approval; a lost deal needs a reason', async ({ page }) => {
  await signUp(page);
  const headers = await sessionOf(page);
  const tenant = (await (await page.request.get('/api/v1/tenant', { headers })).json()) as {
    builtInRoleIds: Record<string, string>;
  };
  // An approver other than the requester, so that the policy can route the request.
  const approver = await page.request.post('/api/v1/users', {
    headers,
    data: {
      name: 'Avery Admin',
      email: `avery.${Date.now().toString(36)}@example.com`,
      password: 'Another long passphrase 1',
      roleIds: [tenant.builtInRoleIds.admin],
    },
  });
  expect(approver.status(), await approver.text()).toBe(201);
  const policy = await page.request.post('/api/v1/approval-policies', {
    headers,
    data: {
      name: 'Discounts over 5%',
      action: 'deal.discount',
      condition: { field: 'discountPercent', op: 'gt', value: 5 },
      approverRoleIds: [tenant.builtInRoleIds.admin],
      levels: 1,
    },
  });
  expect(policy.status(), await policy.text()).toBe(201);
  const pipelines = (await (await page.request.get('/api/v1/pipelines', { headers })).json()) as {
    items: { id: string }[];
  };
  const created = await page.request.post('/api/v1/deals', {
    headers,
    data: {
      title: 'Villa 3',
      pipelineId: pipelines.items[0]!.id,
      value: { amount: 900000, currency: 'USD' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/app/deals/${id}`);
  await page.getByLabel('Discount (%)').fill('12');
  await page.getByRole('button', { name: 'Set discount' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Awaiting approval' })).toContainText(
    'A discount of 12%',
  );
  await expect(page.getByText('Awaiting approval', { exact: true }).first()).toBeVisible();
  await screenshot(page, 'deal-detail');
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Awaiting approval' })).toContainText(
    'A discount of 12%',
  );

  // The board marks the card, and losing from the card asks for the reason on the deal's page.
  await page.goto('/app/deals');
  const card = page.getByRole('article', { name: 'Villa 3' });
  await expect(card.getByText('Awaiting approval')).toBeVisible();
  await card.getByLabel('Move Villa 3 to').selectOption({ label: 'Mark lost…' });
  await expect(page).toHaveURL(/\/app\/deals\/[0-9a-f-]{36}\?lose=1$/);
  await expect(page.getByLabel('Reason for losing')).toBeFocused();
  await page.getByRole('button', { name: 'Confirm lost' }).click();
  await expect(page.getByLabel('Reason for losing')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Reason for losing').fill('Bought elsewhere');
  await page.getByRole('button', { name: 'Confirm lost' }).click();
  await expect(page.getByText('Bought elsewhere')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Mark won' })).toHaveCount(0);
});
