import { expect, test } from '@playwright/test';

test('the landing page says what the product does, shows the plans with their limits and leads to sign-up', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The CRM for real-estate sales teams');
  await expect(page.getByRole('heading', { name: 'What it does' })).toBeVisible();
  const plans = page.getByRole('region', { name: 'Plans' });
  await expect(plans.getByRole('heading', { level: 3 })).toHaveText(['Free', 'Pro', 'Enterprise']);
  await expect(plans.getByRole('list', { name: 'Free limits' }).getByRole('listitem')).toHaveText([
    '25 seats',
    '25,000 leads',
    '10,000 units',
  ]);
  await expect(plans.getByRole('list', { name: 'Pro limits' })).toContainText('100 seats');
  await expect(plans.getByRole('list', { name: 'Enterprise limits' })).toContainText('No limit on seats');
  // Light: no images to load.
  await expect(page.locator('img')).toHaveCount(0);
  await page.getByRole('link', { name: 'Sign up free' }).click();
  await expect(page).toHaveURL(/\/signup$/);
});
