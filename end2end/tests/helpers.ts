import { Page, expect } from '@playwright/test';

/** A unique e-mail per run, so tests never collide on one database. */
export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.be`;
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** Fills Company details (account menu), which issuing invoices requires. */
export async function fillCompanyDetails(page: Page, legalName: string) {
  await page.goto('/settings/company');
  await page.getByLabel('Legal name').fill(legalName);
  await page.getByLabel('Street').fill('Rue de la Loi 16');
  await page.getByLabel('Postcode').fill('1000');
  await page.getByLabel('City').fill('Bruxelles');
  await page.getByLabel('Enterprise number', { exact: true }).fill('0123.456.749');
  await page.getByLabel('IBAN', { exact: true }).fill('BE71 0961 2345 6769');
  await page.getByLabel('BIC', { exact: true }).fill('GKCCBEBB');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Company details saved.')).toBeVisible();
}

export async function signUp(page: Page, company: string, email: string, password = 'a-long-password', details = true) {
  await page.goto('/signup');
  await page.getByLabel('Company name').fill(company);
  await page.getByLabel('Your name').fill('Owner ' + company);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: email })).toBeVisible();
  if (details) {
    await fillCompanyDetails(page, `${company} SRL`);
  }
}

/** An individual customer, made through the form; ends on the customer's page. */
export async function addCustomer(page: Page, first: string, last: string) {
  await page.goto('/customers/new');
  await page.getByLabel('Individual').check();
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByLabel('E-mail').fill(`${first.toLowerCase()}@example.be`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: `${first} ${last}` })).toBeVisible();
}

/** Issues a one-line invoice (21 % VAT) to `customer` from the editor; ends on its page. */
export async function issueInvoice(page: Page, customer: string, description: string, price: string) {
  await page.goto('/invoices/new');
  await page.getByLabel('Customer').selectOption({ label: customer });
  await page.getByLabel('Description').first().fill(description);
  await page.getByLabel('Unit price').first().fill(price);
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByTestId('invoice-number')).toBeVisible();
}
