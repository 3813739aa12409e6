import { expect, test, type Page } from '@playwright/test';
import { discountPolicyWorkspace, newDeal, signInElsewhere } from './approval-setup';
import { screenshot } from './support';

/** The value a deal's page shows beside its "Discount" term. */
const discountShown = (page: Page) =>
  page.locator('dt', { hasText: /^Discount$/ }).locator('xpath=following-sibling::dd');

test('a discount sent for approval reaches the approver live, and the approval reaches the requester live', async ({
  page,
  browser,
}) => {
  const { owner, headers, approver } = await discountPolicyWorkspace(page);
  const dealId = await newDeal(page, headers, 'Villa 7');

  // The approver already has the inbox open, with nothing in it.
  const { context, page: approverPage } = await signInElsewhere(browser, owner, approver);
  await approverPage
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Approvals' })
    .click();
  await expect(approverPage.getByRole('heading', { level: 1 })).toHaveText('Approvals');
  await expect(approverPage.getByRole('link', { name: 'Awaiting me' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(approverPage.getByText('Nothing is waiting for your decision.')).toBeVisible();

  // The requester asks for 10 % on their deal.
  await page.goto(`/app/deals/${dealId}`);
  await expect(discountShown(page)).toHaveText('0%');
  await page.getByLabel('Discount (%)').fill('10');
  await page.getByRole('button', { name: 'Set discount' }).click();
  const sent = page.getByRole('status').filter({ hasText: 'Sent for approval' });
  await expect(sent).toContainText('A discount of 10% was sent for approval.');
  await expect(sent.getByRole('link', { name: 'View the approval request' })).toHaveAttribute(
    'href',
    /\/app\/approvals\/[0-9a-f-]{36}$/,
  );
  await expect(discountShown(page)).toHaveText('0%');

  // The request appears in the approver's open inbox without a reload, and the sidebar counts it.
  const row = approverPage.getByRole('row', { name: /Deal discount/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Olivia Owner');
  await expect(row).toContainText('Pending');
  await expect(approverPage.getByTestId('approvals-awaiting')).toHaveText('1');
  await screenshot(approverPage, 'approvals-inbox');

  await row.getByRole('link', { name: 'Deal discount' }).click();
  await expect(approverPage.getByRole('heading', { level: 1 })).toHaveText('Deal discount');
  await expect(approverPage.locator('dd', { hasText: /^10%$/ })).toBeVisible();
  await expect(approverPage.getByRole('link', { name: 'Villa 7' })).toHaveAttribute(
    'href',
    `/app/deals/${dealId}`,
  );
  await expect(approverPage.getByText('No decision yet.')).toBeVisible();
  await approverPage.getByLabel('Comment').fill('Fine for a cash buyer.');
  await screenshot(approverPage, 'approval-detail');
  await approverPage.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(
    approverPage.getByRole('status').filter({ hasText: 'You approved this request.' }),
  ).toBeVisible();
  const decisions = approverPage.getByRole('region', { name: 'Decisions' });
  await expect(decisions).toContainText('approved by you');
  await expect(decisions).toContainText('Fine for a cash buyer.');
  await expect(approverPage.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await expect(approverPage.getByTestId('approvals-awaiting')).toHaveCount(0);

  // The requester's open deal page shows the discount applied, without a reload.
  await expect(discountShown(page)).toHaveText('10%');
  await expect(page.getByRole('status').filter({ hasText: 'Your request was approved' })).toBeVisible();

  // Their "Requested by me" list has it approved; the requester is offered no decision on it.
  await page.goto('/app/approvals?mine=requested&status=approved');
  await expect(page.getByLabel('Status')).toHaveValue('approved');
  await page
    .getByRole('row', { name: /Deal discount/ })
    .getByRole('link')
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deal discount');
  await expect(page.getByRole('region', { name: 'Decisions' })).toContainText('approved by Avery Approver');
  await expect(page.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await context.close();
});

test('the requester cancels a pending request, and a rejection says why', async ({ page, browser }) => {
  const { owner, headers, approver } = await discountPolicyWorkspace(page);
  const dealId = await newDeal(page, headers, 'Villa 8');
  const ask = async (discountPercent: number) => {
    const answer = await page.request.post(`/api/v1/deals/${dealId}/discount`, {
      headers,
      data: { discountPercent },
    });
    expect(answer.status(), await answer.text()).toBe(202);
    return ((await answer.json()) as { approvalId: string }).approvalId;
  };

  const first = await ask(20);
  await page.goto(`/app/approvals/${first}`);
  await expect(page.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0);
  await page.getByLabel('Comment').fill('Asked by mistake');
  await page.getByRole('button', { name: 'Cancel request' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You cancelled this request.' })).toBeVisible();
  await expect(page.getByText('Cancelled', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel request' })).toHaveCount(0);

  const second = await ask(30);
  const { context, page: approverPage } = await signInElsewhere(browser, owner, approver);
  await approverPage.goto(`/app/approvals/${second}`);
  await approverPage.getByLabel('Comment').fill('Too deep a cut.');
  await approverPage.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(
    approverPage.getByRole('status').filter({ hasText: 'You rejected this request.' }),
  ).toBeVisible();
  await expect(approverPage.getByRole('region', { name: 'Decisions' })).toContainText('rejected by you');

  // The deal kept its discount.
  await page.goto(`/app/deals/${dealId}`);
  await expect(discountShown(page)).toHaveText('0%');
  await context.close();
});
