import { expect, test } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

test('create a task, drag it to done, and find it done after a reload', async ({ page }) => {
  await signUp(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tasks');
  await page.getByRole('link', { name: 'New task' }).click();

  await page.getByLabel('Title').fill('Send the floor plans');
  // Tomorrow at ten, where the browser is: the To do column.
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  await page.getByLabel('Due').fill(`${day}T10:00`);
  await page.getByLabel('Priority').selectOption({ label: 'High' });
  await screenshot(page, 'task-new');
  await page.getByRole('button', { name: 'Create task' }).click();
  await expect(page).toHaveURL(/\/app\/tasks$/);

  const todo = page.getByRole('region', { name: 'To do' });
  const done = page.getByRole('region', { name: 'Done' });
  await expect(todo.getByRole('article', { name: 'Send the floor plans' })).toBeVisible();
  const completed = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith('/complete'),
  );
  await todo.getByRole('article', { name: 'Send the floor plans' }).dragTo(done);
  expect((await completed).status()).toBe(200);
  await expect(done.getByRole('article', { name: 'Send the floor plans' })).toBeVisible();

  await page.reload();
  await expect(done.getByRole('article', { name: 'Send the floor plans' })).toBeVisible();
  await expect(todo.getByRole('article')).toHaveCount(0);

  // Overdue, and completed from the keyboard.
  const created = await page.request.post('/api/v1/tasks', {
    headers: await sessionOf(page),
    data: { title: 'Call the notary', dueAt: new Date(Date.now() - 3_600_000).toISOString() },
  });
  expect(created.status(), await created.text()).toBe(201);
  await page.reload();
  const overdue = page.getByRole('region', { name: 'Overdue' });
  await expect(overdue.getByRole('article', { name: 'Call the notary' })).toBeVisible();
  await screenshot(page, 'tasks-board');
  await page.getByRole('button', { name: 'Mark Call the notary done' }).focus();
  await page.keyboard.press('Enter');
  await expect(done.getByRole('article', { name: 'Call the notary' })).toBeVisible();
});

test('a task falling due raises a live alert on the page open', async ({ page }) => {
  await signUp(page);
  // The page opens the live stream (a ticket, then the stream) before the task is due. Awaited from before the
  // navigation: the stream may open before goto returns.
  const streamOpened = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/stream');
  await page.goto('/app/dashboard');
  await streamOpened;
  const created = await page.request.post('/api/v1/tasks', {
    headers: await sessionOf(page),
    data: { title: 'Viewing at noon', dueAt: new Date(Date.now() + 3_000).toISOString() },
  });
  expect(created.status(), await created.text()).toBe(201);

  const alert = page.getByRole('alert').filter({ hasText: 'Task due: Viewing at noon' });
  await expect(alert).toBeVisible({ timeout: 90_000 });
  await screenshot(page, 'task-due-alert');
  await alert.getByRole('link', { name: 'Open tasks' }).click();
  await expect(
    page.getByRole('region', { name: 'Overdue' }).getByRole('article', { name: 'Viewing at noon' }),
  ).toBeVisible();
});

test('a signed-in tab opens one live stream, shared by the task-due alert and the rest', async ({ page }) => {
  // Counts the EventSources each document creates (a reload starts again from zero).
  await page.addInitScript(() => {
    const Native = window.EventSource;
    const counted = window as unknown as { m3Streams: number };
    counted.m3Streams = 0;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        counted.m3Streams += 1;
      }
    };
  });
  await signUp(page);
  const opened = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/stream');
  await page.goto('/app/tasks');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tasks');
  await opened;
  // Moving between pages keeps the shell, and its stream, open.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tasks');
  // A second client would have opened its stream by now.
  await page.waitForTimeout(4_000);
  expect(await page.evaluate(() => (window as unknown as { m3Streams: number }).m3Streams)).toBe(1);
});
