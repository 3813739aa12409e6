import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

test('filter leads by group, export the filtered list as CSV, and import a CSV with a per-row report', async ({
  page,
}) => {
  await signUp(page);
  const headers = await sessionOf(page);
  const group = await page.request.post('/api/v1/groups', {
    headers,
    data: { name: 'North team', memberIds: [] },
  });
  expect(group.status(), await group.text()).toBe(201);
  const groupId = ((await group.json()) as { id: string }).id;
  for (const [name, inGroup] of [
    ['North Lead', true],
    ['South Lead', false],
  ] as const) {
    const created = await page.request.post('/api/v1/leads', {
      headers,
      data: { name, source: 'web', ...(inGroup ? { groupId } : {}) },
    });
    expect(created.status(), await created.text()).toBe(201);
  }

  await page.goto('/app/leads');
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(3);
  await page.getByLabel('Group').selectOption({ label: 'North team' });
  await expect(page).toHaveURL(new RegExp(`groupId=${groupId}`));
  await expect(rows).toHaveCount(2);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = await readFile(await (await download).path(), 'utf8');
  expect(csv).toContain('North Lead');
  expect(csv).not.toContain('South Lead');

  await page.getByText('Import from CSV').click();
  await page.getByLabel('CSV file').setInputFiles({
    name: 'leads.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'name,phone,source,colour\nImported One,+15550300001,web,red\n,+15550300002,web,blue\nImported Two,+15550300001,web,green\n',
    ),
  });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByRole('form', { name: 'Import leads' }).getByRole('status');
  await expect(report).toContainText('Imported 1');
  await expect(report).toContainText('Columns ignored: colour.');
  await expect(report.getByRole('table', { name: 'Rows not imported' }).getByRole('row')).toHaveCount(3);
  await screenshot(page, 'leads-import');

  await page.getByLabel('Group').selectOption({ label: 'Any' });
  await expect(page.getByRole('link', { name: 'Imported One' })).toBeVisible();
});
