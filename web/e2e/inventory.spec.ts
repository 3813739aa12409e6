import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

interface Site {
  headers: Record<string, string>;
  projectId: string;
  unitIds: Record<string, string>;
  dealId: string;
  adminRoleId: string;
}

/** A small square footprint (about 10 m) for unit n of a row, so that the map has shapes to draw. */
function footprint(n: number) {
  const lng = 55.27 + n * 0.0002;
  const lat = 25.2;
  const d = 0.0001;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lng, lat],
        [lng + d, lat],
        [lng + d, lat + d],
        [lng, lat + d],
        [lng, lat],
      ],
    ],
  };
}

/** A project with four units on two floors of building A, a unit type, and an open deal. */
async function site(page: Page): Promise<Site> {
  const headers = await sessionOf(page);
  const request: APIRequestContext = page.request;
  const suffix = Math.random().toString(36).slice(2, 6).toUpperCase();
  const type = await request.post('/api/v1/unit-types', {
    headers,
    data: { code: `2BR-${suffix}`, name: 'Two bedrooms', category: 'apartment' },
  });
  expect(type.status(), await type.text()).toBe(201);
  const project = await request.post('/api/v1/projects', {
    headers,
    data: { name: 'Palm Towers', code: `PT-${suffix}` },
  });
  expect(project.status(), await project.text()).toBe(201);
  const projectId = ((await project.json()) as { id: string }).id;
  const unitIds: Record<string, string> = {};
  for (const [n, code] of ['A-101', 'A-102', 'A-201', 'A-202'].entries()) {
    const unit = await request.post('/api/v1/units', {
      headers,
      data: {
        projectId,
        code,
        typeCode: `2BR-${suffix}`,
        building: 'A',
        floor: code.startsWith('A-1') ? 1 : 2,
        dimensions: {
          areaSqm: 95.5,
          bedrooms: 2,
          bathrooms: 2,
          rooms: [{ name: 'Living room', areaSqm: 30 }],
        },
        components: [],
        listPrice: { amount: 450000, currency: 'USD' },
        geometry: footprint(n),
      },
    });
    expect(unit.status(), await unit.text()).toBe(201);
    unitIds[code] = ((await unit.json()) as { id: string }).id;
  }
  const pipelines = (await (await request.get('/api/v1/pipelines', { headers })).json()) as {
    items: { id: string }[];
  };
  const deal = await request.post('/api/v1/deals', {
    headers,
    data: {
      title: 'Tower buyer',
      pipelineId: pipelines.items[0]!.id,
      value: { amount: 450000, currency: 'USD' },
    },
  });
  expect(deal.status(), await deal.text()).toBe(201);
  const tenant = (await (await request.get('/api/v1/tenant', { headers })).json()) as {
    builtInRoleIds: Record<string, string>;
  };
  return {
    headers,
    projectId,
    unitIds,
    dealId: ((await deal.json()) as { id: string }).id,
    adminRoleId: tenant.builtInRoleIds.admin!,
  };
}

test('a hold made on the board shows at once on a second user’s open board', async ({ page, browser }) => {
  const owner = await signUp(page);
  const { headers, projectId, adminRoleId } = await site(page);
  const colleague = {
    email: `cora.${Date.now().toString(36)}@example.com`,
    password: 'Colleague passphrase 42',
  };
  const user = await page.request.post('/api/v1/users', {
    headers,
    data: {
      name: 'Cora Colleague',
      email: colleague.email,
      password: colleague.password,
      roleIds: [adminRoleId],
    },
  });
  expect(user.status(), await user.text()).toBe(201);

  const other = await browser.newContext();
  const second = await other.newPage();
  await second.goto('/login');
  await second.getByLabel('Workspace').fill(owner.workspace);
  await second.getByLabel('Email').fill(colleague.email);
  await second.getByLabel('Password').fill(colleague.password);
  await second.getByRole('button', { name: 'Sign in' }).click();
  await expect(second).toHaveURL(/\/app\/dashboard$/);
  await second.goto(`/app/inventory/projects/${projectId}/board`);
  await expect(second.getByRole('button', { name: 'Unit A-101, Available' })).toBeVisible();

  await page.goto(`/app/inventory/projects/${projectId}/board`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Availability: Palm Towers');
  await expect(page.getByRole('region', { name: 'Building A' })).toBeVisible();
  await page.getByRole('button', { name: 'Unit A-101, Available' }).click();
  const panel = page.getByRole('complementary', { name: 'Selected unit' });
  await panel.getByLabel('Held for').selectOption({ label: 'Deal: Tower buyer' });
  await panel.getByLabel('Hold for (minutes)').fill('30');
  await panel.getByRole('button', { name: 'Hold' }).click();
  await expect(page.getByRole('button', { name: 'Unit A-101, On hold' })).toBeVisible();

  // The colleague's board changes without a reload: the cell's label and status follow the live event.
  await expect(second.getByRole('button', { name: 'Unit A-101, On hold' })).toBeVisible();
  await expect(second.getByRole('list', { name: 'Legend' })).toContainText('On hold: 1');
  await screenshot(second, 'inventory-board');
  await other.close();
});

test('the map draws the units, and a click opens the unit', async ({ page }) => {
  await signUp(page);
  const { projectId, unitIds } = await site(page);
  await page.goto(`/app/inventory/projects/${projectId}/map`);
  const map = page.getByRole('group', { name: /Map of the units/ });
  await expect(map.getByRole('link')).toHaveCount(4);
  // Zoom and pan move the drawing; Reset view brings every unit back into sight.
  const drawing = map.locator('g').first();
  await expect(drawing).toHaveAttribute('transform', 'translate(0 0) scale(1)');
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await map.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(drawing).not.toHaveAttribute('transform', 'translate(0 0) scale(1)');
  await page.getByRole('button', { name: 'Reset view' }).click();
  await screenshot(page, 'inventory-map');
  await map.getByRole('link', { name: 'Unit A-202, Available' }).click();
  await expect(page).toHaveURL(new RegExp(`/app/inventory/units/${unitIds['A-202']!}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unit A-202');
  await expect(page.getByText('Living room: 30 m²')).toBeVisible();
});

test('a reserve held back by an approval policy shows "Sent for approval"', async ({ page }) => {
  await signUp(page);
  const { headers, unitIds, adminRoleId } = await site(page);
  // An approver other than the requester, so that the policy can route the request.
  const approver = await page.request.post('/api/v1/users', {
    headers,
    data: {
      name: 'Avery Admin',
      email: `avery.${Date.now().toString(36)}@example.com`,
      password: 'Another long passphrase 1',
      roleIds: [adminRoleId],
    },
  });
  expect(approver.status(), await approver.text()).toBe(201);
  const policy = await page.request.post('/api/v1/approval-policies', {
    headers,
    data: { name: 'Every reservation', action: 'unit.reserve', approverRoleIds: [adminRoleId], levels: 1 },
  });
  expect(policy.status(), await policy.text()).toBe(201);

  await page.goto(`/app/inventory/units/${unitIds['A-102']!}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unit A-102');
  await page.getByLabel('Deal', { exact: true }).selectOption({ label: 'Tower buyer' });
  await page.getByRole('button', { name: 'Reserve' }).click();
  const status = page.getByRole('status').filter({ hasText: 'Sent for approval' });
  await expect(status).toBeVisible();
  await expect(status.getByRole('link', { name: 'See the approval request' })).toHaveAttribute(
    'href',
    /\/app\/approvals\/[0-9a-f-]{36}$/,
  );
  // Nothing changed yet: the unit is still available.
  await expect(page.getByTestId('unit-status')).toHaveAttribute('data-status', 'available');
});
