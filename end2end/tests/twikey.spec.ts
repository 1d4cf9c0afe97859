import { test, expect, Page } from '@playwright/test';
import { shot, signUp, uniqueEmail } from './helpers';
import { SANDBOX, connectTwikey, newCustomer, prepareMandate, signOnTwikey } from './twikey-helpers';

test('connect Twikey, prepare a mandate, sign it on Twikey: the orange icon appears live', async ({ page }) => {
  const email = uniqueEmail('twikey');
  await signUp(page, 'Boulangerie Twikey', email);
  await connectTwikey(page, email);
  await shot(page, '21-connections-on');

  await newCustomer(page, 'Individual', 'Anne Peeters', 'anne.peeters@example.be');
  await prepareMandate(page);
  await shot(page, '22-twikey-tab-prepared');

  // invitation by e-mail, through Twikey
  await page.getByRole('button', { name: 'Send invitation by e-mail' }).click();
  await expect(page.getByText('Invitation sent')).toBeVisible();
  const emails = await (await page.request.get(`${SANDBOX}/_sandbox/emails`)).json();
  expect(emails.some((e: any) => e.kind === 'invitation' && e.to === 'anne.peeters@example.be')).toBeTruthy();

  // the customer list is open while the customer signs elsewhere
  await page.goto('/customers');
  await expect(page.getByTestId('twikey-status').first()).toHaveAttribute('data-state', 'waiting');
  const customerPage = await page.context().newPage();
  await customerPage.goto(page.url());
  await customerPage.getByRole('link', { name: 'Anne Peeters' }).click();
  await expect(customerPage.getByRole('heading', { name: 'Anne Peeters' })).toBeVisible();
  await customerPage.goto(customerPage.url() + '?tab=twikey');
  await signOnTwikey(customerPage, 'BE68 5390 0754 7034');
  await expect(page.getByRole('img', { name: 'Signed mandate' })).toBeVisible({ timeout: 15_000 });
  await shot(page, '24-customers-signed-icon');

  // the Twikey tab shows it signed, and it can be cancelled
  await customerPage.reload();
  const row = customerPage.getByTestId('mandate-row').first();
  await expect(row).toHaveAttribute('data-state', 'signed');
  await expect(row).toContainText('BE68 **** **** 7034');
  await shot(customerPage, '25-twikey-tab-signed');
  await customerPage.getByLabel('Reason for cancelling').fill('Customer moved abroad');
  await customerPage.getByRole('button', { name: 'Cancel mandate' }).click();
  await expect(customerPage.getByTestId('mandate-row').first()).toHaveAttribute('data-state', 'cancelled');
  await expect(page.getByRole('img', { name: 'Signed mandate' })).toHaveCount(0, { timeout: 15_000 });
});

test('company mandate waits for the bank; a deleted mandate’s link stops working', async ({ page }) => {
  const email = uniqueEmail('b2b');
  await signUp(page, 'Atelier B2B', email);
  await connectTwikey(page, email);

  await newCustomer(page, 'Company', 'Brasserie du Parc', 'info@parc.be');
  await prepareMandate(page);
  await signOnTwikey(page, 'BE68 5390 0754 7034');
  const row = page.getByTestId('mandate-row').first();
  await expect(row).toHaveAttribute('data-state', 'pending_bank', { timeout: 15_000 });
  await shot(page, '26-twikey-tab-pending-bank');
  // the sandbox's bank answers after --settle-after (2 s)
  await expect(row).toHaveAttribute('data-state', 'signed', { timeout: 20_000 });

  // a second mandate, deleted before signature
  await page.getByRole('button', { name: 'Prepare a new direct debit mandate for signature' }).click();
  await expect(page.locator('[data-testid="mandate-row"][data-state="prepared"]')).toHaveCount(1);
  const href = await page.getByRole('link', { name: 'Sign mandate online' }).getAttribute('href');
  await page.getByRole('button', { name: 'Delete mandate' }).click();
  await expect(page.locator('[data-testid="mandate-row"][data-state="prepared"]')).toHaveCount(0);
  const gone = await page.request.get(href!);
  expect(gone.status()).toBe(410);
});

test('the Twikey pages in French', async ({ page }) => {
  const email = uniqueEmail('fr');
  await signUp(page, 'Société FR', email);
  await page.getByRole('button', { name: email }).click();
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('link', { name: 'Clients', exact: true })).toBeVisible();
  await page.goto('/settings/connections');
  await expect(page.getByRole('switch', { name: 'Twikey' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Configurer' })).toBeVisible();
  await page.goto('/settings/connections/twikey');
  await expect(page.getByLabel('Clé API')).toBeVisible();
  await expect(page.getByLabel('Numéro de contrat B2C')).toBeVisible();
  await expect(page.getByLabel('Numéro de contrat B2B')).toBeVisible();
  await expect(page.getByLabel('Notifier le client avant chaque collecte')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tester la connexion' })).toBeVisible();
  await shot(page, '27-twikey-config-fr');
});
