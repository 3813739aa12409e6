import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

/** An agent in a group with the owner, a call queue for that group, and a lead of the group to call. */
async function callFloor(request: APIRequestContext, headers: Record<string, string>, ownerId: string) {
  const id = Math.random().toString(36).slice(2, 8);
  const roles = (await (await request.get('/api/v1/roles', { headers })).json()) as {
    items: { id: string; builtIn?: string | null }[];
  };
  const agentRole = roles.items.find((role) => role.builtIn === 'agent')!.id;
  const agent = { email: `agent.${id}@example.com`, password: `Agent passphrase ${id}` };
  const user = await request.post('/api/v1/users', {
    headers,
    data: {
      name: 'Andy Agent',
      email: agent.email,
      password: agent.password,
      roleIds: [agentRole],
      groupIds: [],
    },
  });
  expect(user.status(), await user.text()).toBe(201);
  const agentId = ((await user.json()) as { id: string }).id;
  const group = await request.post('/api/v1/groups', {
    headers,
    data: { name: 'Call floor', memberIds: [agentId, ownerId], managerId: ownerId },
  });
  expect(group.status(), await group.text()).toBe(201);
  const groupId = ((await group.json()) as { id: string }).id;
  const queue = await request.post('/api/v1/call-queues', {
    headers,
    data: {
      name: 'Morning calls',
      groupId,
      filter: { statuses: [], sources: [], tags: [] },
      retryAfterMinutes: 30,
      maxAttempts: 3,
    },
  });
  expect(queue.status(), await queue.text()).toBe(201);
  // A queue of a group the agent is not in: not theirs to work.
  const otherGroup = await request.post('/api/v1/groups', {
    headers,
    data: { name: 'Other floor', memberIds: [] },
  });
  expect(otherGroup.status(), await otherGroup.text()).toBe(201);
  const otherQueue = await request.post('/api/v1/call-queues', {
    headers,
    data: {
      name: 'Evening calls',
      groupId: ((await otherGroup.json()) as { id: string }).id,
      filter: { statuses: [], sources: [], tags: [] },
      retryAfterMinutes: 30,
      maxAttempts: 3,
    },
  });
  expect(otherQueue.status(), await otherQueue.text()).toBe(201);
  const lead = await request.post('/api/v1/leads', {
    headers,
    data: { name: 'Queued Lead', phone: `+1555${String(Date.now()).slice(-7)}`, source: 'web', groupId },
  });
  expect(lead.status(), await lead.text()).toBe(201);
  return { agent };
}

test("an agent takes the next lead and logs a call while the manager's list updates live", async ({
  page,
  browser,
}) => {
  const owner = await signUp(page);
  const headers = await sessionOf(page);
  const me = (await (await page.request.get('/api/v1/me', { headers })).json()) as { user: { id: string } };
  const { agent } = await callFloor(page.request, headers, me.user.id);

  // The manager watches the lead list.
  await page.goto('/app/leads');
  const row = page.getByRole('row', { name: /Queued Lead/ });
  await expect(row.getByTestId('last-call')).toHaveText('—');

  // The agent, in another browser context, signs in and works the queue from the keyboard.
  const agentContext = await browser.newContext();
  const agentPage = await agentContext.newPage();
  await agentPage.goto('/login');
  await agentPage.getByLabel('Workspace').fill(owner.workspace);
  await agentPage.getByLabel('Email').fill(agent.email);
  await agentPage.getByLabel('Password').fill(agent.password);
  await agentPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(agentPage).toHaveURL(/\/app\/dashboard$/);
  await agentPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
  await expect(agentPage.getByLabel('Call queue')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(agentPage.getByLabel('Call queue').locator('option')).toHaveText([
    'Choose a queue',
    'Morning calls',
  ]);
  await expect(agentPage.getByText('Ctrl+Enter save')).toBeVisible();

  await agentPage.keyboard.press('n');
  await expect(agentPage.getByRole('heading', { name: 'Queued Lead' })).toBeVisible();
  // The manager's open list shows at once that the lead is being called.
  await expect(row.getByTestId('last-call')).toHaveText('On a call');
  await agentPage.keyboard.press('4');
  await expect(agentPage.getByRole('radio', { name: 'Call back' })).toBeChecked();
  await expect(agentPage.getByLabel('Call back at')).toBeVisible();
  await agentPage.keyboard.press('2');
  await expect(agentPage.getByRole('radio', { name: 'No answer' })).toBeChecked();
  await agentPage.getByLabel('Call notes').fill('Rang out; try after lunch. n1');
  await expect(agentPage.getByRole('radio', { name: 'No answer' })).toBeChecked();
  await screenshot(agentPage, 'calls');
  // The agent's screen with a lead on it: no serious or critical axe finding.
  const axe = await new AxeBuilder({ page: agentPage }).analyze();
  expect(
    axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
  ).toEqual([]);
  await agentPage.getByLabel('Call notes').press('Control+Enter');
  await expect(agentPage.getByRole('status')).toContainText('Call with Queued Lead logged');

  // The next one: the queue has no other lead due.
  await agentPage.getByRole('button', { name: 'Next lead' }).click();
  await expect(agentPage.getByRole('status')).toContainText('No lead is due in this queue now.');

  // The manager's list shows the call without a reload.
  await expect(row.getByTestId('last-call')).toHaveText('No answer (1)');
  // A lead created elsewhere (here through the API, as another client would) appears in the open list.
  const created = await page.request.post('/api/v1/leads', {
    headers,
    data: { name: 'Walk-in Lead', source: 'web' },
  });
  expect(created.status(), await created.text()).toBe(201);
  await expect(page.getByRole('link', { name: 'Walk-in Lead' })).toBeVisible();
  await screenshot(page, 'leads-live');
  await agentContext.close();
});
