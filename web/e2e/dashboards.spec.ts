import { expect, test, type Page } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

/** A widget of the grid by its id (the default layouts name theirs: kpi-won, funnel, …). */
const widget = (page: Page, id: string) => page.getByTestId(`widget-${id}`);

test('a widget changes live when another user wins a deal', async ({ page, browser }) => {
  await signUp(page);
  const headers = await sessionOf(page);
  // A new owner has saved no layout: the server's default for owners, with its key figures.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  const wonValue = widget(page, 'kpi-won');
  await expect(wonValue.getByRole('heading', { name: 'Won value' })).toBeVisible();
  await expect(wonValue.getByTestId('widget-figure')).toHaveText('0');
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  const tenant = (await (await page.request.get('/api/v1/tenant', { headers })).json()) as {
    slug: string;
    builtInRoleIds: Record<string, string>;
  };
  const email = `sam.${Date.now().toString(36)}@example.com`;
  const password = 'Sales manager passphrase 1';
  const created = await page.request.post('/api/v1/users', {
    headers,
    data: { name: 'Sam Seller', email, password, roleIds: [tenant.builtInRoleIds.sales_manager] },
  });
  expect(created.status(), await created.text()).toBe(201);

  // The other user, in a browser context of their own, wins a deal through the API.
  const other = await browser.newContext();
  try {
    const login = await other.request.post('/api/v1/auth/login', {
      headers: { 'X-Tenant-Id': headers['X-Tenant-Id'] },
      data: { email, password },
    });
    expect(login.status(), await login.text()).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const theirs = { Authorization: `Bearer ${accessToken}`, 'X-Tenant-Id': headers['X-Tenant-Id'] };
    const pipelines = (await (await other.request.get('/api/v1/pipelines', { headers: theirs })).json()) as {
      items: { id: string }[];
    };
    const deal = await other.request.post('/api/v1/deals', {
      headers: theirs,
      data: {
        title: 'Villa 7',
        pipelineId: pipelines.items[0]!.id,
        value: { amount: 250000, currency: 'USD' },
      },
    });
    expect(deal.status(), await deal.text()).toBe(201);
    const { id } = (await deal.json()) as { id: string };
    const won = await other.request.post(`/api/v1/deals/${id}/win`, {
      headers: theirs,
      data: { reason: 'Signed' },
    });
    expect(won.status(), await won.text()).toBe(200);
  } finally {
    await other.close();
  }

  // No reload: the open dashboard hears of the win on its stream and reads the figure again.
  await expect(wonValue.getByTestId('widget-figure')).toHaveText('250,000');
  await screenshot(page, 'dashboard');
});

test('the dashboard says when its live stream is down, until it is back', async ({ page }) => {
  const stream = (url: URL) => url.pathname === '/api/v1/stream';
  await page.route(stream, (route) => route.abort());
  await signUp(page);
  await expect(page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
  // The figures still load (from the reports); only their live updates wait for the stream.
  await expect(widget(page, 'kpi-won').getByTestId('widget-figure')).toHaveText('0');
  await page.unroute(stream);
  // The next attempt (after a growing delay of at most a few seconds here) opens it.
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 60_000 });
});

test('a widget dragged and another resized keep their places after a reload', async ({ page }) => {
  await signUp(page);
  const moved = widget(page, 'kpi-pipeline');
  const resized = widget(page, 'funnel');
  await expect(moved.getByRole('heading', { name: 'Pipeline value' })).toBeVisible();
  await expect(resized.getByRole('heading', { name: 'Lead funnel' })).toBeVisible();
  const before = { moved: (await moved.boundingBox())!, resized: (await resized.boundingBox())! };

  // Resize the funnel by its corner handle first: narrower by about two columns.
  const handle = resized.locator('.react-resizable-handle');
  await handle.scrollIntoViewIfNeeded();
  const corner = (await handle.boundingBox())!;
  const columnWidth = before.resized.width / 6;
  const resizedSaved = page.waitForResponse(
    (r) => r.request().method() === 'PUT' && r.url().endsWith('/dashboards/me'),
  );
  await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
  await page.mouse.down();
  await page.mouse.move(corner.x - columnWidth * 2, corner.y + corner.height / 2, { steps: 12 });
  await page.mouse.up();
  expect((await resizedSaved).status()).toBe(200);
  await expect
    .poll(async () => (await resized.boundingBox())!.width)
    .toBeLessThan(before.resized.width - columnWidth);

  // Then drag the first key figure by its title to where the third one is.
  await moved.scrollIntoViewIfNeeded();
  const target = (await widget(page, 'kpi-leads').boundingBox())!;
  const title = (await moved.locator('header').boundingBox())!;
  const dragged = page.waitForResponse(
    (r) => r.request().method() === 'PUT' && r.url().endsWith('/dashboards/me'),
  );
  await page.mouse.move(title.x + 20, title.y + title.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + 40, title.y + title.height / 2, { steps: 12 });
  await page.mouse.move(target.x + 30, title.y + title.height / 2, { steps: 4 });
  await page.mouse.up();
  expect((await dragged).status()).toBe(200);
  await expect.poll(async () => (await moved.boundingBox())!.x).toBeGreaterThan(before.moved.x + 100);

  const after = { moved: (await moved.boundingBox())!, resized: (await resized.boundingBox())! };
  await page.reload();
  await expect(moved.getByRole('heading', { name: 'Pipeline value' })).toBeVisible();
  await expect(page.getByText('Drag a widget by its title')).toBeVisible();
  await expect.poll(async () => (await moved.boundingBox())!.x).toBeCloseTo(after.moved.x, 0);
  await expect.poll(async () => (await resized.boundingBox())!.width).toBeCloseTo(after.resized.width, 0);

  const saved = (await (
    await page.request.get('/api/v1/dashboards/me', { headers: await sessionOf(page) })
  ).json()) as {
    isDefault: boolean;
    widgets: { id: string; x: number; w: number }[];
  };
  expect(saved.isDefault).toBe(false);
  expect(saved.widgets.find((w) => w.id === 'kpi-pipeline')!.x).toBeGreaterThan(0);
  expect(saved.widgets.find((w) => w.id === 'funnel')!.w).toBeLessThan(6);
});

test('a widget added from the catalog with its parameters, and one removed', async ({ page }) => {
  await signUp(page);
  await expect(widget(page, 'tasks')).toBeVisible();
  await page.getByRole('button', { name: 'Add widget' }).click();
  const form = page.getByRole('form', { name: 'Add a widget' });
  await form.getByLabel('Widget').selectOption({ label: 'Key figure' });
  await form.getByLabel('Figure').selectOption('units_sold');
  await form.getByLabel('Days back').fill('7');
  const saved = page.waitForResponse(
    (r) => r.request().method() === 'PUT' && r.url().endsWith('/dashboards/me'),
  );
  await form.getByRole('button', { name: 'Add to dashboard' }).click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByRole('region', { name: 'Units sold' })).toBeVisible();

  // The keyboard's way to resize: the widget's Arrange list.
  const narrowed = page.waitForResponse(
    (r) => r.request().method() === 'PUT' && r.url().endsWith('/dashboards/me'),
  );
  await page.getByLabel('Arrange Lead funnel').selectOption({ label: 'Narrower' });
  const funnel = ((await (await narrowed).json()) as { widgets: { id: string; w: number }[] }).widgets.find(
    (w) => w.id === 'funnel',
  );
  expect(funnel?.w).toBe(5);
  await expect(page.getByRole('status').filter({ hasText: 'Lead funnel: narrower.' })).toBeAttached();

  await page.getByRole('button', { name: 'Remove My tasks due' }).click();
  await expect(page.getByRole('region', { name: 'My tasks due' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Units sold' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'My tasks due' })).toHaveCount(0);
});
