import { expect, test, type Page } from '@playwright/test';
import { newOwner, screenshot, sessionOf, signUp } from './support';

/** The settings page at `path`, reached through the section's own side menu. */
async function openSettings(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
}

test('an agent does not see Settings, and the settings URL tells them they have no permission', async ({
  page,
  browser,
}) => {
  const owner = await signUp(page);
  const headers = await sessionOf(page);
  const roles = (await (await page.request.get('/api/v1/roles', { headers })).json()) as {
    items: { id: string; builtIn: string | null }[];
  };
  const agentRole = roles.items.find((role) => role.builtIn === 'agent')!;
  const agent = newOwner();
  const created = await page.request.post('/api/v1/users', {
    headers,
    data: { name: 'Adam Agent', email: agent.email, password: agent.password, roleIds: [agentRole.id] },
  });
  expect(created.status()).toBe(201);
  // The owner, who may, is offered Settings.
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }),
  ).toBeVisible();

  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto('/login');
  await other.getByLabel('Workspace').fill(owner.workspace);
  await other.getByLabel('Email').fill(agent.email);
  await other.getByLabel('Password').fill(agent.password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/app\/dashboard$/);

  await other.goto('/app/settings');
  await expect(other.getByRole('heading', { level: 1 })).toHaveText("You don't have permission");
  await expect(other.getByTestId('permission-denied')).toContainText('users.manage');
  const sidebar = other.getByRole('navigation', { name: 'Main' });
  await expect(sidebar.getByRole('link', { name: 'Leads' })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await screenshot(other, 'settings-forbidden');
  await context.close();
});

test('the owner sets the workspace up in Settings, and every change is there after a reload', async ({
  page,
}) => {
  // Eight forms, each saved and checked again after a reload.
  test.setTimeout(180_000);
  await signUp(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/app\/settings\/workspace$/);

  // The workspace: a code by SMS needs the owner's own mobile first; the time zone is kept.
  await page.getByLabel('Time zone').fill('Asia/Dubai');
  await page.getByLabel('Signing in').selectOption('sms');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Add your mobile number to your profile first')).toBeVisible();
  await page.getByLabel('Signing in').selectOption('none');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Time zone')).toHaveValue('Asia/Dubai');

  // A group, then a user in it with a role.
  await openSettings(page, 'Groups');
  await page.getByRole('button', { name: 'New group' }).click();
  await page.getByLabel('Group name').fill('North team');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('cell', { name: 'North team', exact: true })).toBeVisible();

  await openSettings(page, 'Users');
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Sara Seller');
  await page.getByLabel('Email', { exact: true }).fill(`sara.${Date.now().toString(36)}@example.com`);
  await page.getByLabel('Password').fill('A long passphrase for Sara 42');
  await page.getByRole('group', { name: 'Roles' }).getByLabel('sales_manager').check();
  await page.getByRole('group', { name: 'Groups' }).getByLabel('North team').check();
  await page.getByRole('button', { name: 'Create user' }).click();
  const sara = page.getByRole('row', { name: /Sara Seller/ });
  await expect(sara).toContainText('North team');
  await page.reload();
  await expect(sara).toContainText('sales_manager');
  await expect(sara).toContainText('North team');
  await expect(sara).toContainText('active');

  // A role with grants.
  await openSettings(page, 'Roles');
  await page.getByRole('button', { name: 'New role' }).click();
  await page.getByLabel('Role name').fill('Lead auditor');
  await page.getByLabel('leads.read').selectOption('all');
  await page.getByLabel('audit.read').selectOption('all');
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('row', { name: /Lead auditor/ })).toContainText('2 permissions');
  await page.reload();
  await page.getByRole('button', { name: 'Edit Lead auditor' }).click();
  await expect(page.getByLabel('leads.read')).toHaveValue('all');
  await expect(page.getByLabel('audit.read')).toHaveValue('all');
  await expect(page.getByLabel('deals.read')).toHaveValue('');

  // A pipeline with stages.
  await openSettings(page, 'Pipelines');
  await page.getByRole('button', { name: 'New pipeline' }).click();
  await page.getByLabel('Pipeline name').fill('Rentals');
  await page.getByLabel('Stage 1 name').fill('Viewing');
  await page.getByLabel('Stage 1 probability (%)').fill('20');
  await page.getByRole('button', { name: 'Add stage' }).click();
  await page.getByLabel('Stage 2 name').fill('Signed');
  await page.getByLabel('Stage 2 probability (%)').fill('100');
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  const rentals = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Rentals' }) });
  await expect(rentals).toContainText('Viewing (20%)');
  await page.reload();
  await expect(rentals).toContainText('Viewing (20%)');
  await expect(rentals).toContainText('Signed (100%)');

  // A lead status; a wrong key is named at its field first.
  await openSettings(page, 'Lead statuses and sources');
  await page.getByLabel('Status name').fill('Site visit booked');
  await page.getByLabel('Status key').fill('Site Visit');
  await page.getByRole('button', { name: 'Add status' }).click();
  await expect(page.getByLabel('Status key')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Status key').fill('site_visit');
  await page.getByRole('button', { name: 'Add status' }).click();
  await expect(page.getByRole('cell', { name: 'Site visit booked', exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('row', { name: /Site visit booked/ })).toContainText('site_visit');

  // A call queue for the group, calling leads of that status.
  await openSettings(page, 'Call queues');
  await page.getByRole('button', { name: 'New call queue' }).click();
  await page.getByLabel('Queue name').fill('Visit follow-ups');
  await page.getByLabel('Group').selectOption({ label: 'North team' });
  await page.getByRole('group', { name: 'Lead statuses to call' }).getByLabel('Site visit booked').check();
  await page.getByLabel('Retry after (minutes)').fill('90');
  await page.getByLabel('Maximum attempts').fill('4');
  await page.getByRole('button', { name: 'Create call queue' }).click();
  const queue = page.getByRole('row', { name: /Visit follow-ups/ });
  await expect(queue).toContainText('North team');
  await page.reload();
  await expect(queue).toContainText('site_visit');
  await expect(queue).toContainText('after 90 min, at most 4 attempts');

  // An approval policy with a condition.
  await openSettings(page, 'Approval policies');
  await page.getByRole('button', { name: 'New approval policy' }).click();
  await page.getByLabel('Policy name').fill('Big discounts');
  await page.getByLabel('Action').selectOption('deal.discount');
  await page.getByLabel('Condition field').selectOption('discountPercent');
  await page.getByLabel('Condition operator').selectOption('gt');
  await page.getByLabel('Condition value').fill('5');
  await page.getByRole('group', { name: 'Approver roles' }).getByLabel('owner').check();
  await page.getByRole('button', { name: 'Create approval policy' }).click();
  const policy = page.getByRole('row', { name: /Big discounts/ });
  await expect(policy).toContainText('discountPercent greater than 5');
  await page.reload();
  await expect(policy).toContainText('deal.discount');
  await expect(policy).toContainText('discountPercent greater than 5');
  await screenshot(page, 'settings-approval-policies');
});

test('an integration secret is write-only: after saving it shows as set, never as its value', async ({
  page,
}) => {
  await signUp(page);
  await page.goto('/app/settings');
  await openSettings(page, 'Integrations');
  await expect(page).toHaveURL(/\/app\/settings\/integrations\/email$/);
  await page.getByLabel('SMTP host').fill('smtp.example.com');
  await page.getByLabel('SMTP port').fill('587');
  await page.getByLabel('TLS mode').fill('starttls');
  await page.getByLabel('SMTP password', { exact: true }).fill('smtp secret 42');
  await page.getByLabel('From address').fill('crm@example.com');
  await page.getByRole('button', { name: 'Save Email (SMTP) settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('SMTP host')).toHaveValue('smtp.example.com');
  await expect(page.getByLabel('SMTP password', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('SMTP password', { exact: true })).toHaveAccessibleDescription(
    'Set. Leave it empty to keep it.',
  );

  // Billing: the plan with its limits and what is used of them.
  await openSettings(page, 'Billing');
  await expect(page.getByText('Plan:')).toContainText('free');
  await expect(page.getByRole('row', { name: /Seats/ })).toContainText('1');
});
