import { test, expect, Page } from '@playwright/test';
import { hydrated, shot, signUp, uniqueEmail } from './helpers';

const SANDBOX = process.env.SANDBOX_URL ?? 'http://127.0.0.1:3105';
const API_KEY = 'sandbox-api-key';

async function connectTwikey(page: Page, email: string) {
  await hydrated(page);
  await page.getByRole('button', { name: email }).click();
  await page.getByRole('link', { name: 'Applications & connections' }).click();
  const toggle = page.getByRole('switch', { name: 'Twikey' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await hydrated(page);
  await toggle.click();
  await expect(page.getByRole('switch', { name: 'Twikey' })).toHaveAttribute('aria-checked', 'true');
  await page.getByRole('button', { name: 'Configure' }).click();
  await hydrated(page);
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
  await twikey.close();
}

async function newCustomer(page: Page, kind: 'Individual' | 'Company', name: string, email: string) {
  await page.goto('/customers/new');
  await hydrated(page);
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

async function prepareMandate(page: Page) {
  await page.getByRole('tab', { name: 'Twikey' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Prepare a new direct debit mandate for signature' }).click();
  const row = page.getByTestId('mandate-row').first();
  await expect(row).toHaveAttribute('data-state', 'prepared');
  return row;
}

/** Opens the signing link in its own tab and signs there, as the customer would. */
async function signOnTwikey(page: Page, iban: string) {
  const href = await page.getByRole('link', { name: 'Sign mandate online' }).first().getAttribute('href');
  expect(href).toContain('/sign/');
  const signing = await page.context().newPage();
  await signing.goto(href!);
  await signing.getByLabel('IBAN').fill(iban);
  await shot(signing, '23-sandbox-signing-page');
  await signing.getByRole('button', { name: 'Sign' }).click();
  await signing.close();
  return href!;
}

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
  await hydrated(page);
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
  await hydrated(customerPage);
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
