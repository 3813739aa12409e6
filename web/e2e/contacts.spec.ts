import { expect, test } from '@playwright/test';
import { screenshot, signUp } from './support';

test('create a company and a contact at it, open both, edit the contact, find it by search', async ({
  page,
}) => {
  await signUp(page);
  const nav = page.getByRole('navigation', { name: 'Main' });

  await nav.getByRole('link', { name: 'Companies' }).click();
  await expect(page.getByText('No companies match.')).toBeVisible();
  await page.getByRole('link', { name: 'New company' }).click();
  await page.getByLabel('Name').fill('Harbour Estates');
  await page.getByLabel('Domain').fill('not a domain');
  await page.getByLabel('Industry').fill('Property development');
  await page.getByRole('button', { name: 'Create company' }).click();
  // The server's message is next to the field it is about.
  await expect(page.getByLabel('Domain')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Domain').fill('harbour.example');
  await screenshot(page, 'company-new');
  await page.getByRole('button', { name: 'Create company' }).click();
  await expect(page).toHaveURL(/\/app\/companies\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Harbour Estates' })).toBeVisible();

  await nav.getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('link', { name: 'New contact' }).click();
  await page.getByLabel('First name').fill('Maya');
  await page.getByLabel('Last name').fill('Lind');
  await page.getByLabel('Emails').fill('maya@harbour.example');
  await page.getByLabel('Phones').fill('+44 20 7946 0999');
  await page.getByLabel('Company').selectOption({ label: 'Harbour Estates' });
  await screenshot(page, 'contact-new');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page).toHaveURL(/\/app\/contacts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Maya Lind' })).toBeVisible();
  await expect(page.getByText('maya@harbour.example')).toBeVisible();
  await screenshot(page, 'contact-detail');

  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Emails').fill('maya@harbour.example, maya.lind@example.com');
  await page.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByText('maya@harbour.example, maya.lind@example.com')).toBeVisible();

  // A deal for this contact, and a task about the deal: each page links the others.
  await page.getByRole('link', { name: 'New deal' }).click();
  await expect(page.getByLabel('Contact')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByLabel('Company')).toHaveValue(/[0-9a-f-]{36}/);
  await page.getByLabel('Title').fill('Lind apartment');
  await page.getByLabel('Value').fill('310000');
  await page.getByRole('button', { name: 'Create deal' }).click();
  await expect(page.getByRole('heading', { name: 'Lind apartment' })).toBeVisible();
  // The deal's own form, filled from the deal: a new title and value are kept.
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Lind apartment');
  await expect(page.getByLabel('Value')).toHaveValue('310000');
  await page.getByLabel('Title').fill('Lind apartment, sea view');
  await page.getByLabel('Value').fill('325000');
  await screenshot(page, 'deal-edit');
  await page.getByRole('button', { name: 'Save deal' }).click();
  await expect(page.getByRole('heading', { name: 'Lind apartment, sea view' })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: '325,000' })).toBeVisible();
  await page.getByRole('link', { name: 'New task' }).click();
  await expect(page.getByText('About this deal.')).toBeVisible();
  await page.getByLabel('Title').fill('Send Maya the contract');
  await page.getByRole('button', { name: 'Create task' }).click();
  const task = page.getByRole('article', { name: 'Send Maya the contract' });
  await task.getByRole('link', { name: 'Open the deal' }).click();
  await expect(page.getByRole('heading', { name: 'Lind apartment, sea view' })).toBeVisible();
  await page.getByRole('link', { name: 'Maya Lind' }).click();
  await expect(page.getByRole('heading', { name: 'Maya Lind' })).toBeVisible();
  // The contact's page, and its company's, list the deal.
  const contactDeals = page.getByRole('region', { name: 'Deals' });
  await expect(contactDeals.getByRole('link', { name: 'Lind apartment, sea view' })).toBeVisible();
  // A call to the contact, logged from its page, shows on its timeline.
  const callLog = page.getByRole('region', { name: 'Log a call' });
  await callLog.getByLabel('Outcome').selectOption({ label: 'Interested' });
  await callLog.getByLabel('Call notes').fill('Wants the sea view.');
  await callLog.getByRole('button', { name: 'Log call' }).click();
  await expect(callLog.getByRole('status')).toHaveText('Call logged.');
  await expect(page.getByRole('region', { name: 'Timeline' }).getByText(/call logged/)).toBeVisible();

  await page.getByRole('link', { name: 'Harbour Estates' }).click();
  await expect(page.getByRole('heading', { name: 'Harbour Estates', level: 1 })).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Contacts' }).getByRole('link', { name: 'Maya Lind' }),
  ).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Deals' }).getByRole('link', { name: 'Lind apartment, sea view' }),
  ).toBeVisible();
  await screenshot(page, 'company-detail');

  await page.goto('/app/contacts');
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill('lind');
  await expect(page).toHaveURL(/\/app\/contacts\?q=lind$/);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await screenshot(page, 'contacts-list');
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill('nobody');
  await expect(page.getByText('No contacts match.')).toBeVisible();

  await page.goto('/app/companies');
  await expect(page.getByRole('link', { name: 'Harbour Estates' })).toBeVisible();
  await screenshot(page, 'companies-list');
});
