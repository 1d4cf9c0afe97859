import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { shot, signUp, uniqueEmail } from './helpers';
import { SANDBOX, apiKeyFor, connectTwikey, newCustomer, prepareMandate, signOnTwikey } from './twikey-helpers';

/** One scheduler run, as the server's own tick would do it (Peppol deliveries included). */
function runScheduler() {
  const bin = process.env.E2E_ENCAISSE_BIN ?? path.resolve(__dirname, '../../target/debug/encaisse');
  execFileSync(bin, ['run-scheduler'], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, DATA_DIR: process.env.E2E_DATA_DIR, LOG_LEVEL: 'warn' },
  });
}

async function issueInvoice(page: Page, customer: string, amount: string) {
  await page.goto('/invoices/new');
  await page.getByLabel('Customer').selectOption({ label: customer });
  await page.getByLabel('Description').first().fill('Catering');
  await page.getByLabel('Quantity').first().fill('1');
  await page.getByLabel('Unit price').first().fill(amount);
  await page.getByLabel('VAT rate').first().selectOption('21');
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByTestId('invoice-number')).toBeVisible();
  return (await page.getByTestId('invoice-number').textContent())!.trim();
}

test('a business invoice goes over Peppol with its mandate; one not on Peppol gets the e-mail; a credit note follows', async ({ page }) => {
  const email = uniqueEmail('peppol');
  await signUp(page, 'Traiteur Peppol', email);
  await connectTwikey(page, email);

  // a Belgian company on Peppol, with a B2B mandate accepted by its bank
  await newCustomer(page, 'Company', 'Brasserie du Parc', 'info@parc.be');
  await prepareMandate(page);
  await signOnTwikey(page, 'BE68 5390 0754 7034');
  await expect(page.getByTestId('mandate-row').first()).toHaveAttribute('data-state', 'signed', { timeout: 25_000 });
  const number = await issueInvoice(page, 'Brasserie du Parc', '100');
  await page.getByRole('button', { name: 'Start new collection', exact: true }).click();
  await expect(page.getByTestId('collection-status')).toHaveAttribute('data-state', 'paid', { timeout: 20_000 });
  runScheduler();

  const delivered = async () => (await (await page.request.get(`${SANDBOX}/_sandbox/peppol?api_key=${apiKeyFor(email)}`)).json()) as any[];
  const docs = await delivered();
  expect(docs.filter((d) => d.number === number)).toHaveLength(1);
  const doc = docs.find((d) => d.number === number);
  expect(doc.receiver).toBe('0208:0403170701');
  expect(doc.payment_means).toBe('59');
  expect(doc.mandate).toMatch(/\S+/);
  await page.reload();
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'Delivered over Peppol' })).toBeVisible();
  await shot(page, 'peppol-01-delivered');

  // a credit note takes the same road
  await page.getByRole('link', { name: 'Create credit note' }).click();
  await page.getByLabel('Catering').fill('0,5');
  // paid by direct debit: Twikey refunds the credited part to the account it came from
  await page.getByLabel('Twikey refunds it to the account it was collected from').check();
  await page.getByRole('button', { name: 'Issue credit note' }).click();
  await expect(page.getByTestId('credit-note')).toHaveCount(1);
  runScheduler();
  const after = await delivered();
  expect(after.filter((d) => d.document_type === 'CreditNote')).toHaveLength(1);

  // a company that is not on Peppol (the sandbox's directory: enterprise numbers ending in 9)
  await page.goto('/customers/new');
  await page.getByLabel('Company', { exact: true }).check();
  await page.getByLabel('Company name').fill('Atelier Hors Réseau');
  await page.getByLabel('Enterprise number', { exact: true }).fill('0123.456.749');
  await page.getByLabel('E-mail').fill('compta@horsreseau.be');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Atelier Hors Réseau' })).toBeVisible();
  const other = await issueInvoice(page, 'Atelier Hors Réseau', '40');
  runScheduler();
  expect((await delivered()).filter((d) => d.number === other)).toHaveLength(0);
  await page.reload();
  await expect(page.getByTestId('timeline-event').filter({ hasText: /e-mail/i })).not.toHaveCount(0);
  await shot(page, 'peppol-02-not-reachable');
});
