import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The web dashboard's benchmarks (issues #20's and #21's figures: the lead list, the dashboard, the availability
 * board), run by the benchmark harness (`dotnet run -c Release --project tests/M3CoreCRM.Benchmarks -- web`), which
 * starts ApiHost, seeds the tenant and reads the samples each spec writes to its M3_BENCH_*OUT file. The end-to-end tests' browser and host settings; one worker,
 * since the figures are timings and nothing may run beside them.
 */
export default defineConfig({
  ...base,
  testDir: 'bench',
  testMatch: '*.bench.ts',
  outputDir: 'test-results/bench',
  timeout: 900_000,
  fullyParallel: false,
  workers: 1,
  use: { ...base.use, screenshot: 'off', trace: 'off' },
});
