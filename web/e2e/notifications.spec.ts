import { expect, test } from '@playwright/test';
import { discountPolicyWorkspace, newDeal, signInElsewhere } from './approval-setup';
import { screenshot } from './support';

test('a notification arrives live in the open centre; marking one and all read clears the unread count', async ({
  page,
  browser,
}) => {
  const { owner, headers, approver } = await discountPolicyWorkspace(page);
  const deals = [await newDeal(page, headers, 'Villa 9'), await newDeal(page, headers, 'Villa 10')];
  const ask = async (dealId: string) => {
    const answer = await page.request.post(`/api/v1/deals/${dealId}/discount`, {
      headers,
      data: { discountPercent: 15 },
    });
    expect(answer.status(), await answer.text()).toBe(202);
  };

  // The approver opens the centre from the bell: nothing yet.
  const { context, page: approverPage } = await signInElsewhere(browser, owner, approver);
  const bell = approverPage.getByRole('button', { name: /^Notifications/ });
  await expect(bell).toHaveAccessibleName('Notifications, none unread');
  await bell.click();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  const centre = approverPage.getByRole('dialog', { name: 'Notifications' });
  await expect(centre.getByText('No notifications yet.')).toBeVisible();

  // Two requests: each arrives in the open centre without a reload, unread, linked to its request.
  await ask(deals[0]!);
  const items = centre.getByTestId('notification');
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('Approval requested');
  await expect(items.first()).toHaveAttribute('data-unread', 'true');
  await expect(bell).toHaveAccessibleName('Notifications, 1 unread');
  await ask(deals[1]!);
  await expect(items).toHaveCount(2);
  await expect(approverPage.getByTestId('unread-count')).toHaveText('2');
  await expect(items.first().getByRole('link', { name: 'Approval requested' })).toHaveAttribute(
    'href',
    /\/app\/approvals\/[0-9a-f-]{36}$/,
  );
  await screenshot(approverPage, 'notifications');

  // Escape closes the centre and puts the focus back on the bell.
  await approverPage.keyboard.press('Escape');
  await expect(centre).toHaveCount(0);
  await expect(bell).toBeFocused();

  // From the keyboard: open it again, mark one read, then all.
  await approverPage.keyboard.press('Enter');
  await expect(centre).toBeVisible();
  await centre.getByRole('button', { name: 'Mark read: Approval requested' }).first().click();
  await expect(approverPage.getByTestId('unread-count')).toHaveText('1');
  await expect(centre.locator('[data-unread="true"]')).toHaveCount(1);
  await centre.getByRole('button', { name: 'Mark all read' }).click();
  await expect(approverPage.getByTestId('unread-count')).toHaveCount(0);
  await expect(bell).toHaveAccessibleName('Notifications, none unread');
  await expect(centre.locator('[data-unread="true"]')).toHaveCount(0);

  // A notification's link opens its record and closes the centre.
  await items.first().getByRole('link', { name: 'Approval requested' }).click();
  await expect(approverPage).toHaveURL(/\/app\/approvals\/[0-9a-f-]{36}$/);
  await expect(approverPage.getByRole('heading', { level: 1 })).toHaveText('Deal discount');
  await expect(centre).toHaveCount(0);
  await context.close();
});
