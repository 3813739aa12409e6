import { expect, type Browser, type Page } from '@playwright/test';
import { sessionOf, signUp, type Owner } from './support';

/**
 * A workspace whose owner asks for discounts and a second user, an admin, who approves them: a deal.discount
 * policy (discountPercent gt 5) names the approver directly. Returns the owner's page (signed in) and the API
 * headers, plus what it takes to sign the approver in.
 */
export async function discountPolicyWorkspace(page: Page) {
  const owner = await signUp(page);
  const headers = await sessionOf(page);
  const tenant = (await (await page.request.get('/api/v1/tenant', { headers })).json()) as {
    builtInRoleIds: Record<string, string>;
  };
  const approver = {
    name: 'Avery Approver',
    email: `avery.${Date.now().toString(36)}@example.com`,
    password: 'Another long passphrase 1',
  };
  const created = await page.request.post('/api/v1/users', {
    headers,
    data: { ...approver, roleIds: [tenant.builtInRoleIds.admin] },
  });
  expect(created.status(), await created.text()).toBe(201);
  const approverId = ((await created.json()) as { id: string }).id;
  const policy = await page.request.post('/api/v1/approval-policies', {
    headers,
    data: {
      name: 'Discounts over 5%',
      action: 'deal.discount',
      condition: { field: 'discountPercent', op: 'gt', value: 5 },
      approverUserIds: [approverId],
      levels: 1,
    },
  });
  expect(policy.status(), await policy.text()).toBe(201);
  return { owner, headers, approver };
}

/** Creates an open deal owned by the caller of `headers`, worth 900,000 USD; returns its id. */
export async function newDeal(page: Page, headers: Record<string, string>, title: string) {
  const pipelines = (await (await page.request.get('/api/v1/pipelines', { headers })).json()) as {
    items: { id: string }[];
  };
  const created = await page.request.post('/api/v1/deals', {
    headers,
    data: { title, pipelineId: pipelines.items[0]!.id, value: { amount: 900000, currency: 'USD' } },
  });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

/** Signs a user of the owner's workspace in, in a browser context of its own, and waits for the dashboard. */
export async function signInElsewhere(
  browser: Browser,
  owner: Owner,
  user: { email: string; password: string },
) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Workspace').fill(owner.workspace);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  return { context, page };
}
