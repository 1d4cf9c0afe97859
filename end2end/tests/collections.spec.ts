import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { shot, signUp, uniqueEmail } from './helpers';
import { connectTwikey, newCustomer, prepareMandate, signOnTwikey, twikeyProfile } from './twikey-helpers';

async function customerWithSignedMandate(page: Page, name: string, email: string) {
  await newCustomer(page, 'Individual', name, email);
  await prepareMandate(page);
  await signOnTwikey(page, 'BE68 5390 0754 7034');
  await expect(page.getByTestId('mandate-row').first()).toHaveAttribute('data-state', 'signed', { timeout: 15_000 });
}

async function issueInvoice(page: Page, customer: string, amount: string) {
  await page.goto('/invoices/new');
  await page.getByLabel('Customer').selectOption({ label: customer });
  await page.getByLabel('Description').first().fill('Catering');
  await page.getByLabel('Quantity').first().fill('1');
  await page.getByLabel('Unit price').first().fill(amount);
  await page.getByLabel('VAT rate').first().selectOption('0');
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByTestId('invoice-number')).toBeVisible();
}

test('collect an invoice of €120: paid without a reload; €8 fails with AM04 in words', async ({ page }) => {
  const email = uniqueEmail('collect');
  await signUp(page, 'Traiteur Twikey', email);
  await connectTwikey(page, email);
  await customerWithSignedMandate(page, 'Anne Peeters', 'anne.peeters@example.be');

  await issueInvoice(page, 'Anne Peeters', '120');
  await expect(page.getByRole('heading', { name: 'Twikey' })).toBeVisible();
  await shot(page, '30-invoice-twikey-box');
  await page.getByRole('button', { name: 'Start new collection', exact: true }).click();
  const status = page.getByTestId('collection-status');
  await expect(status).toHaveAttribute('data-state', /requested|open/);
  await shot(page, '31-collection-open');
  // the sandbox settles after 2 s and calls back: the page follows live
  await expect(status).toHaveAttribute('data-state', 'paid', { timeout: 20_000 });
  await expect(page.locator('h1 [data-status="paid"]')).toBeVisible();
  const events = page.getByTestId('timeline-event');
  await expect(events.filter({ hasText: 'Collection requested from Twikey' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'Collection paid' })).toHaveCount(1);
  await shot(page, '32-collection-paid');

  await issueInvoice(page, 'Anne Peeters', '8');
  await page.getByRole('button', { name: 'Start new collection', exact: true }).click();
  await expect(page.getByTestId('collection-status')).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'AM04 — Insufficient funds' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start new collection', exact: true })).toBeVisible();
  await shot(page, '33-collection-failed');
});

test('a failure Twikey will offer again says so, starts nothing new, and ends paid', async ({ page }) => {
  const email = uniqueEmail('dunning');
  await signUp(page, 'Traiteur Relance', email);
  await connectTwikey(page, email);
  // the Twikey profile's dunning offers a failed payment to the bank once more
  await twikeyProfile(page, email, { ct: 1001, reoffers: 1 });
  await customerWithSignedMandate(page, 'Marc Dubois', 'marc.dubois@example.be');

  await issueInvoice(page, 'Marc Dubois', '8');
  await page.getByRole('button', { name: 'Start new collection', exact: true }).click();
  const status = page.getByTestId('collection-status');
  // the bank refuses (AM04), but the answer is not final: Twikey will try again
  await expect(status).toHaveAttribute('data-final', 'false', { timeout: 20_000 });
  await expect(status).toHaveAttribute('data-state', 'failed');
  await expect(status).toHaveText('Failed, Twikey will try again');
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'Collection failed, Twikey will try again' })).toContainText(
    'AM04 — Insufficient funds',
  );
  await expect(page.getByRole('button', { name: 'Start new collection', exact: true })).toHaveCount(0);
  await expect(page.getByText('Twikey will offer it to the bank again')).toBeVisible();
  await shot(page, '35-collection-failed-will-retry');
  // offered again, the bank pays
  await expect(status).toHaveAttribute('data-state', 'paid', { timeout: 20_000 });
  await expect(page.locator('h1 [data-status="paid"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start new collection', exact: true })).toHaveCount(0);
  await shot(page, '36-collection-paid-after-retry');
});

test('a subscription with Collect with Twikey is collected and paid without a click', async ({ page }) => {
  const email = uniqueEmail('subcollect');
  await signUp(page, 'Abonnements Twikey', email);
  await connectTwikey(page, email);
  await customerWithSignedMandate(page, 'Luc Lambert', 'luc.lambert@example.be');

  await page.goto('/subscriptions/new');
  await page.getByLabel('Customer').selectOption({ label: 'Luc Lambert' });
  await page.getByLabel('Frequency').selectOption({ label: 'Monthly' });
  await page.getByLabel('Start date').fill('2031-01-01');
  await page.getByLabel('Description').first().fill('Bread box');
  await page.getByLabel('Quantity').first().fill('1');
  await page.getByLabel('Unit price').first().fill('45');
  await page.getByLabel('VAT rate').first().selectOption('6');
  await page.getByLabel('Collect with Twikey').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('next-invoice-date')).toHaveText('01/01/2031');

  const bin = process.env.E2E_ENCAISSE_BIN ?? path.resolve(__dirname, '../../target/debug/encaisse');
  execFileSync(bin, ['run-scheduler', '--as-of', '2031-01-15'], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, DATA_DIR: process.env.E2E_DATA_DIR, LOG_LEVEL: 'warn' },
  });
  await page.goto('/invoices');
  await page.getByTestId('invoice-row').first().getByRole('link').first().click();
  await expect(page.getByTestId('collection-status')).toHaveAttribute('data-state', 'paid', { timeout: 25_000 });
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'Collection paid' })).toHaveCount(1);
  await shot(page, '34-subscription-collected');
});
