import { writeFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Browser } from '@playwright/test';

/**
 * Issue #21's figures for the availability board, each beside a yardstick from the same run:
 * - navigation to the board of a project with 1,000 units until every cell is on screen, against the sign-in page;
 * - a unit held by another user until its cell shows "On hold" in the open board, against the event's arrival on
 *   the page's own stream (the difference is what the board takes to apply it).
 * The harness (tests/M3CoreCRM.Benchmarks/WebBenchmark.cs) seeds the project M3_BENCH_BOARD_PROJECT of
 * M3_BENCH_BOARD_UNITS available units straight into storage (through the API, 1,000 units took longer than the
 * figures), in the M3_BENCH_* workspace of the lead-list benchmark, and reads the samples this writes to
 * M3_BENCH_BOARD_OUT.
 */

declare global {
  interface Window {
    __frames?: Record<string, number>;
    __shown?: Promise<number>;
    __paintedWhen?: (selector: string, count: number) => Promise<number>;
  }
}

/**
 * performance.now() after the first frame in which `count` elements match `selector` was painted: checked in each
 * animation frame, and taken in a task queued from that frame, which runs once the frame's style, layout and paint
 * are done. Installed before the page's own scripts, in the board's context and the yardstick's alike.
 */
function installPaintedWhen() {
  window.__paintedWhen = (selector, count) =>
    new Promise((resolve) => {
      const check = () => {
        if (document.querySelectorAll(selector).length >= count)
          setTimeout(() => resolve(performance.now()), 0);
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
}

function setting(name: string) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through the benchmark harness.`);
  return value;
}

const workspace = setting('M3_BENCH_WORKSPACE');
const password = setting('M3_BENCH_PASSWORD');
const managerEmail = setting('M3_BENCH_MANAGER');
const projectId = setting('M3_BENCH_BOARD_PROJECT');
const units = Number(setting('M3_BENCH_BOARD_UNITS'));
const output = setting('M3_BENCH_BOARD_OUT');
const runs = Number(process.env.M3_BENCH_RUNS ?? '7');
const events = Number(process.env.M3_BENCH_BOARD_EVENTS ?? '30');

interface Session {
  tenant: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: { id: string; name: string; email: string };
}

async function signIn(request: APIRequestContext): Promise<Session> {
  const response = await request.post('/api/v1/auth/login', {
    headers: { 'X-Tenant-Id': workspace },
    data: { email: managerEmail, password },
  });
  expect(response.status(), await response.text()).toBe(200);
  const body = (await response.json()) as {
    accessToken: string;
    refreshToken: string;
    expiresIn: number;
    user: Session['user'];
  };
  return {
    tenant: workspace,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    expiresAt: Date.now() + body.expiresIn * 1000,
    user: body.user,
  };
}

/**
 * A fresh signed-in context. Its EventSource notes when each unit event's frame reaches the page, before the app's
 * own listener sees it, so that the time the board takes to apply it can be told from the time the stream takes.
 */
async function freshPage(browser: Browser, session: Session) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(installPaintedWhen);
  await context.addInitScript((value) => {
    window.localStorage.setItem('m3.session', value);
    const frames: Record<string, number> = {};
    window.__frames = frames;
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        super.addEventListener('unit.status_changed', (event) => {
          const frame = JSON.parse((event as MessageEvent<string>).data) as { entityId: string };
          frames[frame.entityId] = performance.now();
        });
      }
    };
  }, JSON.stringify(session));
  return { context, page: await context.newPage() };
}

function median(values: number[]) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

test('the availability board of 1,000 units: render and live status change', async ({
  browser,
  request,
}, testInfo) => {
  const manager = await signIn(request);
  const headers = { Authorization: `Bearer ${manager.accessToken}`, 'X-Tenant-Id': workspace };
  const run = Date.now().toString(36).toUpperCase();
  const lead = await request.post('/api/v1/leads', {
    headers,
    data: { name: `Bench holder ${run}`, source: 'web', phone: `+9715${String(Date.now()).slice(-8)}` },
  });
  expect(lead.status(), await lead.text()).toBe(201);
  const leadId = ((await lead.json()) as { id: string }).id;

  const result: Record<string, number[]> = {
    render: [],
    renderYardstick: [],
    renderFromData: [],
    live: [],
    liveYardstick: [],
    applied: [],
  };
  const board = `/app/inventory/projects/${projectId}/board`;

  await test.step('render', async () => {
    // Run 0 warms the host (its caches, the units' grains), as a day's first user would; it is not counted.
    for (let r = 0; r <= runs; r++) {
      const { context, page } = await freshPage(browser, manager);
      // With M3_BENCH_TRACE, the uncounted first run (or run M3_BENCH_TRACE_RUN: a warm one) is also recorded as a
      // Chromium trace (main thread's script, style, layout and paint), for chrome://tracing or Perfetto;
      // M3_BENCH_TRACE_JS adds V8's CPU samples, which a build with source maps names.
      const tracing = process.env.M3_BENCH_TRACE && r === Number(process.env.M3_BENCH_TRACE_RUN ?? '0');
      if (tracing)
        await browser.startTracing(page, {
          path: testInfo.outputPath('board-trace.json'),
          categories: [
            'devtools.timeline',
            'blink.user_timing',
            ...(process.env.M3_BENCH_TRACE_JS ? ['disabled-by-default-v8.cpu_profiler'] : []),
          ],
        });
      await page.goto(board, { waitUntil: 'commit' });
      const shownAt = await page.evaluate(
        (count) => window.__paintedWhen!('button[data-status]', count),
        units,
      );
      if (tracing) await browser.stopTracing();
      // The board's own part: from the answer of its read of the units to every cell painted.
      const answeredAt = await page.evaluate(() => {
        const reads = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        return reads.find((entry) => entry.name.endsWith('/availability'))?.responseEnd ?? Number.NaN;
      });
      if (process.env.M3_BENCH_TRACE) {
        console.log(
          shownAt,
          await page.evaluate(() =>
            JSON.stringify(
              performance
                .getEntries()
                .filter(
                  (e) => e.entryType === 'resource' || e.entryType === 'paint' || e.entryType === 'mark',
                )
                .map((e) => [
                  e.name.slice(-60),
                  Math.round(e.startTime),
                  Math.round(e.startTime + e.duration),
                ]),
            ),
          ),
        );
      }
      if (r > 0) {
        result.render!.push(shownAt);
        result.renderFromData!.push(shownAt - answeredAt);
      }
      await page.goto('/login', { waitUntil: 'commit' });
      await context.close();
      const yardstick = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await yardstick.addInitScript(installPaintedWhen);
      const login = await yardstick.newPage();
      await login.goto('/login', { waitUntil: 'commit' });
      const signInAt = await login.evaluate(() => window.__paintedWhen!('button[type="submit"]', 1));
      if (r > 0) result.renderYardstick!.push(signInAt);
      await yardstick.close();
    }
    console.log(
      `render: board p50 ${median(result.render!).toFixed(0)} ms (from its data ${median(result.renderFromData!).toFixed(0)} ms), /login p50 ${median(result.renderYardstick!).toFixed(0)} ms`,
    );
  });

  await test.step('live', async () => {
    const { context, page } = await freshPage(browser, manager);
    await page.goto(board);
    await expect(page.locator('button[data-status]')).toHaveCount(units, { timeout: 60_000 });
    // The seeded units, as the board shows them (all available).
    const ids = await page.evaluate(() =>
      [...document.querySelectorAll('[data-unit]')].map((cell) => cell.getAttribute('data-unit') ?? ''),
    );
    expect(ids.length).toBe(units);
    // Holds on units across the board; the first proves the stream is open, the rest are measured.
    for (let n = 0; n <= Math.min(events, units - 1); n++) {
      const id = ids[(n * 37) % units]!;
      await page.evaluate((unitId) => {
        window.__shown = new Promise<number>((resolve) => {
          const observer = new MutationObserver(() => {
            if (document.querySelector(`[data-unit="${unitId}"][data-status="on_hold"]`)) {
              observer.disconnect();
              resolve(performance.now());
            }
          });
          observer.observe(document.body, {
            subtree: true,
            attributes: true,
            attributeFilter: ['data-status'],
          });
        });
      }, id);
      const sentAt = await page.evaluate(() => performance.now());
      const response = await request.post(`/api/v1/units/${id}/hold`, {
        headers,
        data: { leadId, holdMinutes: 30 },
      });
      expect(response.status(), await response.text()).toBe(200);
      const shownAt = await page.evaluate(() => window.__shown);
      const arrivedAt = await (
        await page.waitForFunction((unitId) => window.__frames?.[unitId] ?? 0, id, { timeout: 20_000 })
      ).jsonValue();
      if (n > 0 && shownAt !== undefined) {
        result.live!.push(shownAt - sentAt);
        result.liveYardstick!.push(arrivedAt - sentAt);
        result.applied!.push(shownAt - arrivedAt);
      }
    }
    await context.close();
    console.log(
      `live: shown p50 ${median(result.live!).toFixed(0)} ms after the request, frame arrived p50 ${median(result.liveYardstick!).toFixed(0)} ms, applied p50 ${median(result.applied!).toFixed(1)} ms (max ${Math.max(...result.applied!).toFixed(1)} ms)`,
    );
  });

  writeFileSync(output, JSON.stringify(result));
});
