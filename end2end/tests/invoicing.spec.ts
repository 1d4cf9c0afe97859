import { test, expect } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { addCustomer, shot, signUp, uniqueEmail } from './helpers';

test('invoice with two VAT rates: issue, send, record payment, timeline', async ({ page }) => {
  await signUp(page, 'Boulangerie Factures', uniqueEmail('inv'));
  await addCustomer(page, 'Anne', 'Peeters');

  await page.getByRole('link', { name: 'Invoices', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Invoices' })).toBeVisible();
  await shot(page, 'inv-01-list-empty');
  await page.getByRole('button', { name: 'New invoice' }).click();
  await page.getByLabel('Customer').selectOption({ label: 'Anne Peeters' });
  await page.getByLabel('Description').first().fill('Sourdough bread');
  await page.getByLabel('Quantity').first().fill('2');
  await page.getByLabel('Unit price').first().fill('12,50');
  await page.getByLabel('VAT rate').first().selectOption('21');
  await page.getByRole('button', { name: 'Add line' }).click();
  await page.getByLabel('Description').nth(1).fill('Cookbook');
  await page.getByLabel('Quantity').nth(1).fill('1,5');
  await page.getByLabel('Unit price').nth(1).fill('3,33');
  await page.getByLabel('VAT rate').nth(1).selectOption('6');
  await expect(page.getByTestId('editor-totals')).toContainText('35,55');
  await shot(page, 'inv-02-editor');
  await page.getByRole('button', { name: 'Issue' }).click();

  // issued: number and totals shown
  await expect(page.getByTestId('invoice-number')).toHaveText(/^\d{4}-0001$/);
  await expect(page.getByTestId('total-excl')).toContainText('30,00');
  await expect(page.getByTestId('total-incl')).toContainText('35,55');
  await expect(page.getByTestId('structured-communication')).toHaveText(/^\+\+\+\d{3}\/\d{4}\/\d{5}\+\+\+$/);
  const number = (await page.getByTestId('invoice-number').textContent())!.trim();
  const invoiceUrl = page.url();
  await shot(page, 'inv-03-issued');

  // the invoice as a PDF, with the browser's own session
  const pdfHref = await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
  const pdf = await page.request.get(pdfHref!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await expect(page.getByRole('link', { name: 'Download e-invoice (UBL)' })).toBeVisible();

  // send: lands in the outbox (no SMTP in the e2e run)
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'Sent by e-mail to anne@example.be' })).toBeVisible();
  await page.getByRole('button', { name: /@example\.be/ }).click();
  await page.getByRole('link', { name: 'Outbox' }).click();
  await expect(page.getByTestId('outbox-message')).toHaveCount(1);
  await expect(page.getByTestId('outbox-message')).toContainText(number);
  await page.getByTestId('outbox-message').locator('summary').click();
  await expect(page.getByTestId('outbox-message')).toContainText('35,55');
  await expect(page.getByTestId('mail-attachment')).toContainText(`${number}.pdf`);
  await shot(page, 'inv-04-outbox');

  // record a payment of the whole amount
  await page.goto(invoiceUrl);
  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByLabel('Amount').fill('35,55');
  await page.getByLabel('Date').fill('2026-11-20');
  await page.getByLabel('Method').selectOption('bank_transfer');
  await shot(page, 'inv-05-payment-form');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('h1 [data-status="paid"]')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  const events = page.getByTestId('timeline-event');
  await expect(events).toHaveCount(5);
  await expect(events.nth(0)).toContainText('Created');
  await expect(events.nth(1)).toContainText(`Issued as ${number}`);
  await expect(events.nth(2)).toContainText('Sent by e-mail to anne@example.be');
  await expect(events.nth(3)).toContainText('Payment recorded');
  await expect(events.nth(4)).toContainText('Paid in full');
  await shot(page, 'inv-06-paid-timeline');

  // the list, the customer's tab and the dashboard know it
  await page.goto('/invoices');
  await expect(page.getByTestId('invoice-row')).toHaveCount(1);
  await expect(page.getByTestId('invoice-row')).toContainText('Paid');
  await shot(page, 'inv-07-list');
  await page.getByRole('link', { name: 'Anne Peeters' }).click();
  await page.getByRole('tab', { name: 'Invoices' }).click();
  await expect(page.getByTestId('invoice-row')).toContainText(number);
  await shot(page, 'inv-08-customer-tab');
  await page.goto('/');
  await expect(page.getByTestId('dash-paid-month')).toBeVisible();
  await shot(page, 'inv-09-dashboard');
});

test('monthly subscription: the scheduler as of three months later makes three invoices', async ({ page }) => {
  await signUp(page, 'Café Abonnements', uniqueEmail('sub'));
  await addCustomer(page, 'Luc', 'Lambert');
  await page.getByRole('link', { name: 'Subscriptions', exact: true }).click();
  await shot(page, 'sub-01-list-empty');
  await page.getByRole('button', { name: 'New subscription' }).click();
  await page.getByLabel('Customer').selectOption({ label: 'Luc Lambert' });
  await page.getByLabel('Frequency').selectOption({ label: 'Monthly' });
  await page.getByLabel('Start date').fill('2030-01-01');
  await page.getByLabel('Description').first().fill('Coffee beans');
  await page.getByLabel('Quantity').first().fill('2');
  await page.getByLabel('Unit price').first().fill('12,50');
  await page.getByLabel('VAT rate').first().selectOption('6');
  await page.getByLabel('Collect with Twikey').check();
  await shot(page, 'sub-02-form');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('next-invoice-date')).toHaveText('01/01/2030');
  await expect(page.getByText('No invoice generated yet.')).toBeVisible();

  // the real command, against the e2e database, as of three months later
  const bin = process.env.E2E_ENCAISSE_BIN ?? path.resolve(__dirname, '../../target/debug/encaisse');
  const out = execFileSync(bin, ['run-scheduler', '--as-of', '2030-03-31'], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, DATA_DIR: process.env.E2E_DATA_DIR, LOG_LEVEL: 'warn' },
  }).toString();
  expect(out).toContain('invoice(s) created');

  await page.reload();
  await expect(page.getByTestId('invoice-row')).toHaveCount(3);
  await expect(page.getByTestId('next-invoice-date')).toHaveText('01/04/2030');
  await shot(page, 'sub-03-detail');
  // paused right after the page shows (a plain form post if the client has not started yet)
  await page.reload();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(page.locator('h1')).toContainText('Paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.goto('/subscriptions');
  await expect(page.getByTestId('subscription-row')).toHaveCount(1);
  await shot(page, 'sub-04-list');
  await page.goto('/invoices');
  await expect(page.getByTestId('invoice-row')).toHaveCount(3);
  await page.getByTestId('invoice-row').first().getByRole('link').first().click();
  // created, issued, sent — and why it was not collected (Twikey is not switched on here)
  await expect(page.getByTestId('timeline-event')).toHaveCount(4);
  await expect(page.getByTestId('timeline-event').first()).toContainText('Created by subscription');
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'Not collected' })).toHaveCount(1);
  await shot(page, 'sub-05-invoice');
});
