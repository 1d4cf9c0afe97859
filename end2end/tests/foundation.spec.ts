import { test, expect } from '@playwright/test';
import { shot, signUp, uniqueEmail } from './helpers';

test('sign up, add an individual and a company, search, log out and back in', async ({ page }) => {
  const email = uniqueEmail('owner');
  await signUp(page, 'Boulangerie Playwright', email);
  await shot(page, '01-dashboard');

  // an individual
  await page.getByRole('link', { name: 'Customers', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
  await shot(page, '02-customers-empty');
  await page.getByRole('button', { name: 'New customer' }).click();
  await page.getByLabel('Individual').check();
  await page.getByLabel('First name').fill('Anne');
  await page.getByLabel('Last name').fill('Peeters');
  await page.getByLabel('E-mail').fill('anne.peeters@example.be');
  await page.getByLabel('Phone').fill('+32 470 12 34 56');
  await page.getByLabel('Language').selectOption('nl');
  await page.getByLabel('Street').fill('Veldstraat 12');
  await page.getByLabel('Postcode').fill('9000');
  await page.getByLabel('City').fill('Gent');
  await shot(page, '03-customer-form');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Anne Peeters' })).toBeVisible();
  await shot(page, '04-customer-page');

  // a company, first with a bad VAT number: the error shows at the field
  await page.goto('/customers/new');
  await page.getByLabel('Company', { exact: true }).check();
  await page.getByLabel('Company name').fill('Brasserie du Parc');
  await page.getByLabel('VAT number').fill('BE0123456748');
  await page.getByLabel('E-mail').fill('info@parc.be');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter a Belgian VAT number')).toBeVisible();
  await expect(page.getByLabel('VAT number')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, '05-customer-form-error');
  await page.getByLabel('VAT number').fill('BE0403.170.701');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Brasserie du Parc' })).toBeVisible();

  // both in the list; search finds one
  await page.goto('/customers');
  await expect(page.getByTestId('customer-row')).toHaveCount(2);
  await shot(page, '06-customers-list');
  await page.getByRole('searchbox').fill('brasserie');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByTestId('customer-row')).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Brasserie du Parc' })).toBeVisible();

  // the account menu holds Applications & connections and Log out
  await page.getByRole('button', { name: email }).click();
  await expect(page.getByRole('link', { name: 'Applications & connections' })).toBeVisible();
  await shot(page, '07-account-menu');
  await page.getByRole('link', { name: 'Applications & connections' }).click();
  await expect(page.getByRole('switch', { name: 'Twikey' })).toBeVisible();
  await shot(page, '08-connections');

  await page.getByRole('button', { name: email }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await page.goto('/customers');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('a-long-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
  await expect(page.getByTestId('customer-row')).toHaveCount(2);
});

test('wrong password says so, and the page works in French', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('nobody@example.be');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'E-mail or password is wrong.' })).toBeVisible();
  await shot(page, '09-login-error');

  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
  await shot(page, '10-login-fr');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
});
