import { readFile } from 'node:fs/promises';
import { constants, inflateRawSync } from 'node:zlib';
import { expect, test, type Download } from '@playwright/test';
import { screenshot, sessionOf, signUp } from './support';

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The PDF's Flate-compressed streams, inflated (each zlib stream read as raw deflate after its 2-byte header). */
function pageTextOf(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const streams = /\/Length (\d+)\/Filter\/FlateDecode>>\r?\nstream\r?\n/g;
  let found: RegExpExecArray | null;
  let inflated = '';
  while ((found = streams.exec(text)) !== null) {
    const start = found.index + found[0].length;
    const body = pdf.subarray(start + 2, start + Number(found[1]));
    try {
      inflated += inflateRawSync(body, { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1');
    } catch {
      // A stream that is not deflate data (fonts are, but are of no interest) is skipped.
    }
  }
  return inflated;
}

async function contentOf(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}

test('a report with its chart and table, downloaded as CSV and PDF files with its rows', async ({ page }) => {
  await signUp(page);
  const headers = await sessionOf(page);
  const pipelines = (await (await page.request.get('/api/v1/pipelines', { headers })).json()) as {
    items: { id: string; stages: { id: string; name: string }[] }[];
  };
  const pipeline = pipelines.items[0]!;
  const deal = await page.request.post('/api/v1/deals', {
    headers,
    data: { title: 'Penthouse 12B', pipelineId: pipeline.id, value: { amount: 480000, currency: 'USD' } },
  });
  expect(deal.status(), await deal.text()).toBe(201);
  const { stageId } = (await deal.json()) as { stageId: string };
  const stage = pipeline.stages.find((s) => s.id === stageId)!.name;

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reports');
  await expect(page.getByRole('link', { name: 'Pipeline', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  );
  const table = page.getByRole('table', { name: /pipeline/i }).last();
  const row = table.getByRole('row').filter({ hasText: stage });
  await expect(row).toContainText('480,000.00');
  // The chart's figures, for screen readers: the same bars as a table.
  await expect(page.getByRole('table', { name: /Open value by stage/ })).toBeAttached();
  await screenshot(page, 'reports');

  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(csvDownload.suggestedFilename()).toMatch(/^pipeline-.*\.csv$/);
  const csv = parseCsv((await contentOf(csvDownload)).toString('utf8').replace(/^\uFEFF/, ''));
  const [header, ...records] = csv;
  // The CSV's header names the columns by key, as the JSON rows do.
  expect(header).toEqual(expect.arrayContaining(['stage', 'openDeals', 'openValue']));
  const stageAt = header!.indexOf('stage');
  const valueAt = header!.indexOf('openValue');
  const record = records.find((r) => r[stageAt] === stage);
  expect(record, csv.map((r) => r.join(',')).join('\n')).toBeDefined();
  expect(Number(record![valueAt])).toBe(480000);
  // As many rows as the table shows (its header row aside).
  expect(records.filter((r) => r.length > 1)).toHaveLength((await table.getByRole('row').count()) - 1);

  const [pdfDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download PDF' }).click(),
  ]);
  expect(pdfDownload.suggestedFilename()).toMatch(/^pipeline-.*\.pdf$/);
  const pdf = await contentOf(pdfDownload);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // The server (PDFsharp) writes Latin text as plain strings, in a Flate-compressed page: inflated, the row is there.
  const page1 = pageTextOf(pdf);
  expect(page1).toContain(`(${stage})`);
  expect(page1).toContain('(480000)');
});

test('a report follows its filters and tabs, kept in the URL', async ({ page }) => {
  await signUp(page);
  const headers = await sessionOf(page);
  const lead = await page.request.post('/api/v1/leads', {
    headers,
    data: { name: 'Report Lead', phone: '+15550199111', source: 'web' },
  });
  expect(lead.status(), await lead.text()).toBe(201);

  await page.goto('/app/reports?report=funnel');
  await expect(page.getByRole('heading', { level: 2 })).toContainText(/funnel/i);
  const table = page.getByRole('table').last();
  await expect(table.getByRole('columnheader', { name: 'Leads' })).toBeVisible();
  await expect(table.getByRole('row', { name: /^new New open 1 / })).toBeVisible();

  // A period in the past holds none of them.
  await page.getByLabel('From').fill('2020-01-01');
  await page.getByLabel('To').fill('2020-01-31');
  await expect(page).toHaveURL(/from=2020-01-01/);
  await expect(table.getByRole('row', { name: /^new New open 0 / })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('From')).toHaveValue('2020-01-01');
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page).toHaveURL(/report=activity/);
  await expect(page.getByRole('link', { name: 'Activity' })).toHaveAttribute('aria-current', 'page');
});
