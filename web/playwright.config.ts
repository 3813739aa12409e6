import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in the machine's Chromium (Debian's `chromium`; Playwright downloads no browser), against a
 * running ApiHost: M3_BASE_URL (tests/M3CoreCRM.Tests/Web/WebAppTests.cs starts one with its own PostgreSQL).
 * M3_ARTIFACTS is where screenshots of the main pages and failure traces go.
 */
const artifacts = process.env.M3_ARTIFACTS ?? 'test-results';

export default defineConfig({
  testDir: 'e2e',
  outputDir: `${artifacts}/failures`,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: process.env.M3_BASE_URL ?? 'http://127.0.0.1:5080',
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.M3_CHROMIUM ?? '/usr/bin/chromium' },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
