import { expect, Page } from '@playwright/test';
import { shot } from './helpers';

export const SANDBOX = process.env.SANDBOX_URL ?? 'http://127.0.0.1:3105';

/** Each company connects its own Twikey account (one account serves one company): any
 *  `sandbox-…` key is its own creditor in the sandbox. Ends in `-key`, shown as `•••• -key`. */
export function apiKeyFor(email: string) {
  return `sandbox-${email.replace(/[^a-z0-9]/gi, '-').toLowerCase()}-key`;
}

/** Sets the sandbox creditor's template options (Twikey profile settings): `reoffers` is how
 *  often its dunning offers a failed payment to the bank again. */
export async function twikeyProfile(page: Page, email: string, options: { ct: number; reoffers?: number; auto_send?: boolean }) {
  const r = await page.request.post(`${SANDBOX}/_sandbox/templates`, { data: { api_key: apiKeyFor(email), ...options } });
  expect(r.ok()).toBeTruthy();
}

export async function connectTwikey(page: Page, email: string) {
  const API_KEY = apiKeyFor(email);
  await page.getByRole('button', { name: email }).click();
  await page.getByRole('link', { name: 'Applications & connections' }).click();
  const toggle = page.getByRole('switch', { name: 'Twikey' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(page.getByRole('switch', { name: 'Twikey' })).toHaveAttribute('aria-checked', 'true');
  await page.getByRole('button', { name: 'Configure' }).click();
  await page.getByLabel('API key').fill(API_KEY);
  await page.getByLabel('B2C contract number').fill('1001');
  await page.getByLabel('B2B contract number').fill('1002');
  await page.getByLabel('Notify customer before each collection').check();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText('Connected to Twikey.')).toBeVisible();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Twikey settings saved.')).toBeVisible();
  await expect(page.getByText('•••• -key')).toBeVisible();
  await shot(page, '20-twikey-config');
  const callback = await page.getByLabel('Callback URL').inputValue();
  expect(callback).toMatch(/\/twikey\/webhook\/[a-z0-9]{24}$/);

  // paste it into Twikey (the sandbox's Settings → API page)
  const twikey = await page.context().newPage();
  await twikey.goto(`${SANDBOX}/settings/api?apiKey=${API_KEY}`);
  await twikey.getByLabel('Webhook URL').fill(callback);
  await twikey.getByRole('button', { name: 'Save' }).click();
  await expect(twikey.getByText('Saved')).toBeVisible();
  await twikey.close();
  await page.bringToFront();
}

export async function newCustomer(page: Page, kind: 'Individual' | 'Company', name: string, email: string) {
  await page.goto('/customers/new');
  await page.getByLabel(kind, { exact: true }).check();
  if (kind === 'Individual') {
    const [first, last] = name.split(' ');
    await page.getByLabel('First name').fill(first);
    await page.getByLabel('Last name').fill(last);
  } else {
    await page.getByLabel('Company name').fill(name);
    await page.getByLabel('VAT number').fill('BE0403170701');
  }
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

export async function prepareMandate(page: Page) {
  await page.getByRole('tab', { name: 'Twikey' }).click();
  await page.getByRole('button', { name: 'Prepare a new direct debit mandate for signature' }).click();
  const row = page.getByTestId('mandate-row').first();
  await expect(row).toHaveAttribute('data-state', 'prepared');
  return row;
}

/** Opens the signing link in its own tab and signs there, as the customer would. */
export async function signOnTwikey(page: Page, iban: string) {
  const href = await page.getByRole('link', { name: 'Sign mandate online' }).first().getAttribute('href');
  expect(href).toContain('/sign/');
  const signing = await page.context().newPage();
  await signing.goto(href!);
  await signing.getByLabel('IBAN').fill(iban);
  await shot(signing, '23-sandbox-signing-page');
  await signing.getByRole('button', { name: 'Sign' }).click();
  await signing.waitForLoadState();
  await signing.close();
  await page.bringToFront();
  return href!;
}

