import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Measurements, not tests: `bench/first_interactive.sh` (and `make bench`) run these against a
// release build. Kept out of ./tests so `make test` never times pages.
export default defineConfig({
  ...base,
  testDir: './perf',
  timeout: 180_000,
  reporter: [['list']],
  outputDir: 'test-results/perf',
});
