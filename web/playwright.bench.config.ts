import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The web dashboard's benchmark (issue #20's figures), run by the benchmark harness
 * (`dotnet run -c Release --project tests/M3CoreCRM.Benchmarks -- web`), which starts ApiHost, seeds the tenant
 * and reads the samples this writes to M3_BENCH_OUT. The end-to-end tests' browser and host settings; one worker,
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
