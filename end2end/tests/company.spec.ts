import { test, expect } from '@playwright/test';
import { shot, signUp, uniqueEmail } from './helpers';

test('an invoice needs the company details: refused with a link, filled, then issued', async ({ page }) => {
  const email = uniqueEmail('legal');
  await signUp(page, 'Atelier Légal', email, 'a-long-password', false);
  await page.goto('/customers/new');
  await page.getByLabel('First name').fill('Paul');
  await page.getByLabel('Last name').fill('Martin');
  await page.getByLabel('E-mail').fill('paul.martin@example.be');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Paul Martin' })).toBeVisible();

  await page.goto('/invoices/new');
  await page.getByLabel('Customer').selectOption({ label: 'Paul Martin' });
  await page.getByLabel('Description').first().fill('Réparation');
  await page.getByLabel('Quantity').first().fill('1');
  await page.getByLabel('Unit price').first().fill('80');
  await page.getByLabel('VAT rate').first().selectOption('0');
  await page.getByRole('button', { name: 'Issue' }).click();
  // kept as a draft; its page says why, with the link
  await expect(page).toHaveURL(/\/invoices\/\d+\?refused=company-details/);
  const refusal = page.getByRole('alert').filter({ hasText: 'Fill in your company details' });
  await expect(refusal).toBeVisible();
  await refusal.getByRole('link', { name: 'Company details' }).click();

  await expect(page.getByRole('heading', { name: 'Company details' })).toBeVisible();
  await page.getByLabel('Legal name').fill('Atelier Légal SRL');
  await page.getByLabel('Street').fill('Rue Haute 5');
  await page.getByLabel('Postcode').fill('1000');
  await page.getByLabel('City').fill('Bruxelles');
  await page.getByLabel('Enterprise number', { exact: true }).fill('0403.170.702');
  await page.getByLabel('IBAN', { exact: true }).fill('BE71 0961 2345 6769');
  await page.getByLabel('BIC', { exact: true }).fill('GKCCBEBB');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('This enterprise number is not valid')).toBeVisible();
  await expect(page.getByLabel('Legal name')).toHaveValue('Atelier Légal SRL');
  await page.getByLabel('Enterprise number', { exact: true }).fill('0403.170.701');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Company details saved.')).toBeVisible();
  await shot(page, 'legal-01-company-details');

  // the draft kept what was typed: issue it now
  await page.goto('/invoices');
  await page.getByTestId('invoice-row').first().getByRole('link').first().click();
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByTestId('invoice-number')).toHaveText(/^\d{4}-0001$/);
  const pdf = await page.request.get((await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href'))!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  await shot(page, 'legal-02-issued');

  // corrected by a partial credit note: both sides say so, the amount due follows
  await page.getByRole('link', { name: 'Create credit note' }).click();
  await expect(page.getByRole('heading', { name: 'Create credit note' })).toBeVisible();
  await page.getByLabel('Réparation').fill('0,5');
  await shot(page, 'legal-03-credit-note-form');
  await page.getByRole('button', { name: 'Issue credit note' }).click();
  await expect(page.getByTestId('credit-note')).toHaveCount(1);
  await expect(page.getByTestId('credit-note')).toContainText(/CN-\d{4}-0001/);
  await expect(page.getByTestId('timeline-event').filter({ hasText: 'Credit note issued' })).toBeVisible();
  await expect(page.getByTestId('open-amount')).toContainText('40,00');
  await shot(page, 'legal-04-credited');
  // the credit note's own page: its timeline links back to the invoice
  await page.getByTestId('credit-note').getByRole('link', { name: /CN-\d{4}-0001/ }).click();
  const corrects = page.getByTestId('timeline-event').filter({ hasText: 'Corrects invoice' });
  await expect(corrects).toBeVisible();
  await expect(corrects.getByRole('link', { name: /\d{4}-0001/ })).toBeVisible();
  await shot(page, 'legal-05-credit-note-page');
});
