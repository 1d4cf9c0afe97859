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
