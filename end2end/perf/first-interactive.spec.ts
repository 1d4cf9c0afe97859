import { test, expect, Browser, BrowserContext, Page } from '@playwright/test';
import * as fs from 'fs';
import { uniqueEmail } from '../tests/helpers';

// First page interactive: for the login page and (logged in) the customer list and the invoice
// editor, the time from navigation start until every island of the page has started (a task
// queued by `hydrate()` sets `body[data-hydrated]`; a MutationObserver installed before any page script
// records the moment), in a fresh browser context each time (empty HTTP cache), plus what the
// browser fetched for the wasm module. Prints one JSON line per page and writes them to
// PERF_OUT when set. Not a pass/fail test: only a page that never hydrates fails.
//
// PERF_EMAIL / PERF_PASSWORD: an existing account (`make bench` passes its seeded one);
// without them an account is created through /signup.
const RUNS = Number(process.env.PERF_RUNS ?? 7);

const recordHydration = () => {
  const mark = () => {
    const w = window as unknown as { __hydratedAt?: number };
    if (w.__hydratedAt === undefined && document.body?.getAttribute('data-hydrated') === 'true') {
      w.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'], childList: true });
};

type Sample = { hydrated: number; dcl: number; load: number; wasmTransfer: number; wasmEncoded: number; wasmDecoded: number; wasmDone: number; jsTransfer: number };

async function measure(page: Page, path: string): Promise<Sample> {
  await page.goto(path, { waitUntil: 'load' });
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 60_000 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const wasm = res.find((r) => r.name.endsWith('.wasm'));
    const js = res.find((r) => /\/pkg\/[^/]+\.js$/.test(r.name));
    return {
      hydrated: (window as unknown as { __hydratedAt: number }).__hydratedAt,
      dcl: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      wasmTransfer: wasm?.transferSize ?? -1,
      wasmEncoded: wasm?.encodedBodySize ?? -1,
      wasmDecoded: wasm?.decodedBodySize ?? -1,
      wasmDone: wasm?.responseEnd ?? -1,
      jsTransfer: js?.transferSize ?? -1,
    };
  });
}

async function freshPage(browser: Browser, cookies?: Parameters<BrowserContext['addCookies']>[0]) {
  const context = await browser.newContext();
  if (cookies) await context.addCookies(cookies);
  await context.addInitScript(recordHydration);
  return { context, page: await context.newPage() };
}

/** RUNS cold loads of `path` (after one more as a warm-up), each checked by `shows`. */
async function loads(browser: Browser, cookies: Parameters<BrowserContext['addCookies']>[0] | undefined, path: string, shows: (page: Page) => Promise<void>) {
  const samples: Sample[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const { context, page } = await freshPage(browser, cookies);
    const s = await measure(page, path);
    await shows(page);
    if (i > 0) samples.push(s);
    await context.close();
  }
  return samples;
}

function summary(name: string, path: string, samples: Sample[]) {
  const sorted = (k: keyof Sample) => samples.map((s) => s[k]).sort((a, b) => a - b);
  const median = (k: keyof Sample) => { const v = sorted(k); return v[Math.floor(v.length / 2)]; };
  const r = (x: number) => Math.round(x);
  return {
    page: name, path, runs: samples.length,
    hydrated_median_ms: r(median('hydrated')), hydrated_min_ms: r(sorted('hydrated')[0]), hydrated_max_ms: r(sorted('hydrated').at(-1)!),
    dcl_median_ms: r(median('dcl')), load_median_ms: r(median('load')), wasm_fetched_median_ms: r(median('wasmDone')),
    wasm_transfer_bytes: samples[0].wasmTransfer, wasm_encoded_bytes: samples[0].wasmEncoded, wasm_decoded_bytes: samples[0].wasmDecoded,
    js_transfer_bytes: samples[0].jsTransfer,
    samples_ms: samples.map((s) => r(s.hydrated)),
  };
}

test('first page interactive: login page, customer list, invoice editor', async ({ browser }) => {
  let email = process.env.PERF_EMAIL;
  let password = process.env.PERF_PASSWORD ?? 'a-long-password';
  const results = [];

  // login page, logged out; the first load is a warm-up (server caches, browser start)
  results.push(summary('login', '/login', await loads(browser, undefined, '/login', (page) =>
    expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled())));

  // a session cookie, once
  const { context: auth, page } = await freshPage(browser);
  if (!email) {
    email = uniqueEmail('perf');
    await page.goto('/signup');
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    await page.getByLabel('Company name').fill('Perf');
    await page.getByLabel('Your name').fill('Perf');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
  } else {
    await page.goto('/login');
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }
  await expect(page.getByRole('button', { name: email })).toBeVisible();
  const cookies = await auth.cookies();
  await auth.close();

  // signed in: the customer list, and the invoice editor (an island: its controls enabled once
  // it has started)
  results.push(summary('customer list', '/customers', await loads(browser, cookies, '/customers', (page) =>
    expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible())));
  results.push(summary('invoice editor', '/invoices/new', await loads(browser, cookies, '/invoices/new', (page) =>
    expect(page.getByRole('button', { name: 'Issue' })).toBeEnabled())));

  for (const r of results) console.log(JSON.stringify(r));
  if (process.env.PERF_OUT) fs.writeFileSync(process.env.PERF_OUT, results.map((r) => JSON.stringify(r)).join('\n') + '\n');
});
