import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { discountPolicyWorkspace, newDeal, signInElsewhere } from './approval-setup';
import { sessionOf, signUp } from './support';

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA rules, and best practice). */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

test('the public pages have no serious or critical axe violation', async ({ page }) => {
  for (const [path, heading] of [
    ['/', 'The CRM for real-estate sales teams'],
    ['/login', 'Sign in'],
    ['/signup', 'Create your workspace'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    expect(await seriousViolations(page), path).toEqual([]);
  }
});

test('the app pages have no serious or critical axe violation, in either theme', async ({ page }) => {
  // Fifteen pages, each loaded and analysed: on two busy cores this takes longer than one flow.
  test.setTimeout(240_000);
  await signUp(page);
  const created = await page.request.post('/api/v1/leads', {
    headers: await sessionOf(page),
    data: { name: 'Axe Lead', phone: '+15550199000', source: 'web' },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [path, heading] of [
      ['/app/dashboard', 'Dashboard'],
      ['/app/leads', 'Leads'],
      ['/app/leads/new', 'New lead'],
      [`/app/leads/${id}`, 'Axe Lead'],
      ['/app/deals', 'Deals'],
      ['/app/calls', 'Calls'],
      ['/app/profile', 'Profile'],
      ['/app/profile/verify/email', 'Verify your email'],
      ['/app/reports', 'Reports'],
      ['/app/reports?report=agents', 'Reports'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      if (path === '/app/leads') await expect(page.getByRole('link', { name: 'Axe Lead' })).toBeVisible();
      if (path === '/app/dashboard') {
        // The widgets loaded, and the catalog's form is open.
        await expect(page.getByTestId('widget-funnel').getByRole('table')).toBeAttached();
        await page.getByRole('button', { name: 'Add widget' }).click();
        await expect(page.getByRole('form', { name: 'Add a widget' })).toBeVisible();
      }
      if (path.startsWith('/app/reports')) await expect(page.getByRole('table').last()).toBeVisible();
      if (path === `/app/leads/${id}`) {
        // The action panels open, and the timeline loaded.
        for (const panel of await page.locator('summary').all()) await panel.click();
        await expect(page.getByTestId('timeline')).toBeVisible();
      }
      expect(await seriousViolations(page), `${path} (${theme})`).toEqual([]);
      if (path === '/app/dashboard') {
        // The top bar's search with its results open.
        await page.getByRole('combobox', { name: 'Search' }).fill('axe');
        await expect(page.getByRole('option', { name: /Axe Lead/ })).toBeVisible();
        await page.getByRole('combobox', { name: 'Search' }).press('ArrowDown');
        expect(await seriousViolations(page), `search results (${theme})`).toEqual([]);
      }
    }
  }
});

test('the deals, contacts, companies and tasks pages have no serious or critical axe violation', async ({
  page,
}) => {
  // Eleven pages in two themes, each loaded and analysed.
  test.setTimeout(240_000);
  await signUp(page);
  const headers = await sessionOf(page);
  const pipelines = (await (await page.request.get('/api/v1/pipelines', { headers })).json()) as {
    items: { id: string }[];
  };
  const company = await page.request.post('/api/v1/companies', {
    headers,
    data: { name: 'Axe Holdings', domain: 'axe.example' },
  });
  expect(company.status()).toBe(201);
  const companyId = ((await company.json()) as { id: string }).id;
  const contact = await page.request.post('/api/v1/contacts', {
    headers,
    data: { firstName: 'Axe', lastName: 'Contact', emails: ['axe@axe.example'], companyId },
  });
  expect(contact.status()).toBe(201);
  const contactId = ((await contact.json()) as { id: string }).id;
  const deal = await page.request.post('/api/v1/deals', {
    headers,
    data: {
      title: 'Axe Deal',
      pipelineId: pipelines.items[0]!.id,
      value: { amount: 1000, currency: 'USD' },
      contactId,
      companyId,
    },
  });
  expect(deal.status()).toBe(201);
  const dealId = ((await deal.json()) as { id: string }).id;
  for (const dueAt of [Date.now() - 3_600_000, Date.now() + 86_400_000]) {
    const task = await page.request.post('/api/v1/tasks', {
      headers,
      data: { title: `Axe task ${String(dueAt)}`, dueAt: new Date(dueAt).toISOString(), priority: 'high' },
    });
    expect(task.status()).toBe(201);
  }

  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [path, heading, ready] of [
      ['/app/deals', 'Deals', 'Axe Deal'],
      ['/app/deals/new', 'New deal', null],
      [`/app/deals/${dealId}`, 'Axe Deal', 'Axe Contact'],
      ['/app/contacts', 'Contacts', 'Axe Contact'],
      ['/app/contacts/new', 'New contact', null],
      [`/app/contacts/${contactId}`, 'Axe Contact', 'Axe Holdings'],
      ['/app/companies', 'Companies', 'Axe Holdings'],
      ['/app/companies/new', 'New company', null],
      [`/app/companies/${companyId}`, 'Axe Holdings', 'Axe Contact'],
      ['/app/tasks', 'Tasks', 'Axe task'],
      ['/app/tasks/new', 'New task', null],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      if (ready) await expect(page.getByText(ready).first()).toBeAttached();
      expect(await seriousViolations(page), `${path} (${theme})`).toEqual([]);
    }
  }
});

test('the settings pages have no serious or critical axe violation, with their forms open', async ({
  page,
}) => {
  // Eleven pages in two themes, each loaded and analysed with its form open.
  test.setTimeout(240_000);
  await signUp(page);
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [path, heading, opens] of [
      ['/app/settings/workspace', 'Workspace', null],
      ['/app/settings/users', 'Users', 'New user'],
      ['/app/settings/roles', 'Roles', 'New role'],
      ['/app/settings/groups', 'Groups', 'New group'],
      ['/app/settings/lead-statuses', 'Lead statuses and sources', null],
      ['/app/settings/pipelines', 'Pipelines', 'New pipeline'],
      ['/app/settings/call-queues', 'Call queues', 'New call queue'],
      ['/app/settings/approval-policies', 'Approval policies', 'New approval policy'],
      ['/app/settings/notification-rules', 'Notification rules', null],
      ['/app/settings/integrations/email', 'Integrations', null],
      ['/app/settings/billing', 'Billing', null],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      if (opens) {
        await page.getByRole('button', { name: opens }).click();
        await expect(page.getByRole('region', { name: opens })).toBeVisible();
      }
      expect(await seriousViolations(page), `${path} (${theme})`).toEqual([]);
    }
  }
});

test('the inventory pages have no serious or critical axe violation, in either theme', async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page);
  const headers = await sessionOf(page);
  const type = await page.request.post('/api/v1/unit-types', {
    headers,
    data: { code: 'AXE-2BR', name: 'Two bedrooms', category: 'apartment' },
  });
  expect(type.status()).toBe(201);
  const project = await page.request.post('/api/v1/projects', {
    headers,
    data: { name: 'Axe Towers', code: 'AXE' },
  });
  expect(project.status()).toBe(201);
  const projectId = ((await project.json()) as { id: string }).id;
  const lead = await page.request.post('/api/v1/leads', {
    headers,
    data: { name: 'Axe Buyer', phone: '+15550199001', source: 'web' },
  });
  expect(lead.status()).toBe(201);
  const leadId = ((await lead.json()) as { id: string }).id;
  const unitIds: string[] = [];
  for (const [n, code] of ['X-101', 'X-102'].entries()) {
    const lng = 55.27 + n * 0.0002;
    const unit = await page.request.post('/api/v1/units', {
      headers,
      data: {
        projectId,
        code,
        typeCode: 'AXE-2BR',
        building: 'X',
        floor: 1,
        dimensions: { areaSqm: 80, bedrooms: 2, bathrooms: 1, rooms: [] },
        components: [],
        listPrice: { amount: 300000, currency: 'USD' },
        geometry: { type: 'Point', coordinates: [lng, 25.2] },
      },
    });
    expect(unit.status()).toBe(201);
    unitIds.push(((await unit.json()) as { id: string }).id);
  }
  // One unit on hold, so that the pages show every status look they have and the hold's countdown.
  const hold = await page.request.post(`/api/v1/units/${unitIds[0]!}/hold`, {
    headers,
    data: { leadId, holdMinutes: 30 },
  });
  expect(hold.status()).toBe(200);

  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [path, heading, ready] of [
      ['/app/inventory', 'Inventory', 'Axe Towers'],
      [`/app/inventory/projects/${projectId}`, 'Axe Towers', '2 units in all.'],
      [
        `/app/inventory/projects/${projectId}/board?unit=${unitIds[0]!}`,
        'Availability: Axe Towers',
        'Extend hold',
      ],
      [`/app/inventory/projects/${projectId}/map`, 'Map: Axe Towers', 'Reset view'],
      [`/app/inventory/units?projectId=${projectId}`, 'Units: Axe Towers', 'X-102'],
      [`/app/inventory/units/${unitIds[0]!}`, 'Unit X-101', 'left)'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.getByText(ready).first()).toBeAttached();
      expect(await seriousViolations(page), `${path} (${theme})`).toEqual([]);
    }
  }
});

test('the approvals pages and the notification centre have no serious or critical axe violation, in either theme', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const { owner, headers, approver } = await discountPolicyWorkspace(page);
  const dealId = await newDeal(page, headers, 'Axe Villa');
  const asked = await page.request.post(`/api/v1/deals/${dealId}/discount`, {
    headers,
    data: { discountPercent: 10 },
  });
  expect(asked.status(), await asked.text()).toBe(202);
  const { approvalId } = (await asked.json()) as { approvalId: string };
  const { context, page: approverPage } = await signInElsewhere(browser, owner, approver);

  for (const theme of ['light', 'dark'] as const) {
    // The requester's side: their list, the request with its cancel form, the deal awaiting approval.
    await page.emulateMedia({ colorScheme: theme });
    for (const [path, heading, ready] of [
      ['/app/approvals?mine=requested', 'Approvals', 'Deal discount'],
      [`/app/approvals/${approvalId}`, 'Deal discount', 'Cancel request'],
      [`/app/deals/${dealId}`, 'Axe Villa', 'Awaiting approval'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.getByText(ready).first()).toBeVisible();
      expect(await seriousViolations(page), `${path} (${theme})`).toEqual([]);
    }

    // The approver's side: the inbox with the request, its decision form, the centre with an unread notification.
    await approverPage.emulateMedia({ colorScheme: theme });
    for (const [path, heading, ready] of [
      ['/app/approvals', 'Approvals', 'Deal discount'],
      [`/app/approvals/${approvalId}`, 'Deal discount', 'Your decision'],
    ] as const) {
      await approverPage.goto(path);
      await expect(approverPage.getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(approverPage.getByText(ready).first()).toBeVisible();
      expect(await seriousViolations(approverPage), `${path} (${theme}, approver)`).toEqual([]);
    }
    await approverPage.getByRole('button', { name: /^Notifications/ }).click();
    await expect(approverPage.getByTestId('notification').first()).toHaveAttribute('data-unread', 'true');
    expect(await seriousViolations(approverPage), `notification centre (${theme})`).toEqual([]);
  }
  await context.close();
});
