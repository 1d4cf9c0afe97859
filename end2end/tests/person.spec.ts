import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { addCustomer, issueInvoice, shot, signUp, uniqueEmail } from './helpers';

// These journeys act the moment a page shows something: no waiting for the client to start.
// A control that cannot work yet is disabled (Playwright then waits, as a person would see).

test('typing and clicking right after each navigation loses nothing', async ({ page }) => {
  await signUp(page, 'Épicerie Rapide', uniqueEmail('fast'));

  await page.goto('/customers/new');
  await page.getByLabel('Individual').check();
  await page.getByLabel('First name').fill('Nora');
  await page.getByLabel('Last name').fill('Vermeulen');
  await page.getByLabel('E-mail').fill('nora@example.be');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Nora Vermeulen' })).toBeVisible();

  // the invoice editor, typed into at once; first without a price: the error keeps the rest
  await page.goto('/invoices');
  await page.getByRole('button', { name: 'New invoice' }).click();
  await page.getByLabel('Customer').selectOption({ label: 'Nora Vermeulen' });
  await page.getByLabel('Description').first().fill('Olive oil, 5 l');
  await page.getByLabel('Unit price').first().fill('');
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByLabel('Description').first()).toHaveValue('Olive oil, 5 l');
  await expect(page.getByLabel('Customer')).toHaveValue(/\d+/);
  await page.getByLabel('Unit price').first().fill('42,00');
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByTestId('invoice-number')).toHaveText(/^\d{4}-0001$/);
  await expect(page.getByText('Olive oil, 5 l')).toBeVisible();
  await shot(page, 'person-01-issued-at-once');

  // a wrong password says so, even straight after the page shows
  await page.getByRole('button', { name: /@example\.be/ }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('E-mail').fill('nobody@example.be');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
});

test('a double click on a form sends it once', async ({ page }) => {
  await signUp(page, 'Double Clic', uniqueEmail('twice'));
  await addCustomer(page, 'Ruth', 'Dubois');
  await issueInvoice(page, 'Ruth Dubois', 'Tiles', '100');

  // a person who double-clicks Save: one payment of 10 €, not two
  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByLabel('Amount').fill('10,00');
  await page.getByRole('button', { name: 'Save' }).dblclick();
  await expect(page.getByTestId('payment')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('payment')).toHaveCount(1);
  await expect(page.getByTestId('open-amount')).toContainText('111,00');
});

test('the same invoice open in two tabs: one follows what the other does', async ({ page }) => {
  await signUp(page, 'Deux Onglets', uniqueEmail('tabs'));
  await addCustomer(page, 'Tom', 'Claes');
  await issueInvoice(page, 'Tom Claes', 'Repair', '100');
  const invoiceUrl = page.url();

  const other = await page.context().newPage();
  await other.goto(invoiceUrl);
  await expect(other.locator('h1 [data-status="open"]')).toBeVisible();

  // the other tab has a payment half typed when the first one sends the invoice: the update
  // arrives, and what was typed stays
  await other.getByRole('button', { name: 'Record payment' }).click();
  await other.getByLabel('Amount').fill('50,00');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(other.getByTestId('timeline-event').filter({ hasText: 'Sent by e-mail' })).toBeVisible({ timeout: 15_000 });
  await expect(other.getByLabel('Amount')).toHaveValue('50,00');
  await other.getByLabel('Amount').fill('');

  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByLabel('Amount').fill('121,00');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('h1 [data-status="paid"]')).toBeVisible();

  // the other tab was not touched: it follows by itself
  await expect(other.locator('h1 [data-status="paid"]')).toBeVisible({ timeout: 15_000 });
  await expect(other.getByTestId('timeline-event').filter({ hasText: 'Payment recorded' })).toBeVisible();
  await shot(other, 'person-02-other-tab-follows');
});

test('an answer that was on its way before a newer change never overwrites it', async ({ page }) => {
  await signUp(page, 'Deux Réponses', uniqueEmail('order'));
  await addCustomer(page, 'Lina', 'Jacobs');
  await issueInvoice(page, 'Lina Jacobs', 'Window cleaning', '100');

  const other = await page.context().newPage();
  await other.goto(page.url());
  await expect(other.getByTestId('open-amount')).toContainText('121,00');

  // The other tab's first fetch after the next change gets its answer from the server at once,
  // but that answer is held back on the way and delivered only after a second, newer change has
  // landed and the tab had every chance to fetch again.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const heldBack = new Promise<void>((r) => (held = r));
  let first = true;
  // the tab fetches its own address again to follow a change (not a navigation: a fetch)
  const invoicePath = new URL(page.url()).pathname;
  await other.route((url) => url.pathname === invoicePath, async (route) => {
    if (!first || route.request().resourceType() !== 'fetch') return route.continue();
    first = false;
    const stale = await route.fetch();
    held();
    await released;
    await route.fulfill({ response: stale });
  });

  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByLabel('Amount').fill('21,00');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('open-amount')).toContainText('100,00');
  await heldBack; // the other tab asked, and its (now old) answer is on its way

  await page.getByRole('button', { name: 'Record payment' }).click();
  await page.getByLabel('Amount').fill('100,00');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('h1 [data-status="paid"]')).toBeVisible();
  await page.waitForTimeout(1_500); // the newer change's event has reached the other tab
  release();

  // the old answer arrives last: the tab still ends on the newer state, and stays there
  await expect(other.locator('h1 [data-status="paid"]')).toBeVisible({ timeout: 15_000 });
  await other.waitForTimeout(1_000);
  await expect(other.locator('h1 [data-status="paid"]')).toBeVisible();
  await shot(other, 'person-04-newer-wins');
});

/** Serious and critical WCAG 2.1 A/AA violations of the page as it is now. */
async function violations(page: import('@playwright/test').Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('every page passes axe-core (WCAG 2.1 A/AA), in English and in French', async ({ page }) => {
  test.setTimeout(180_000);
  const found: string[] = [];
  for (const path of ['/login', '/signup']) {
    await page.goto(path);
    await expect(page.getByRole('heading').first()).toBeVisible();
    found.push(...(await violations(page)));
  }
  const email = uniqueEmail('a11y');
  await signUp(page, 'Atelier Accessible', email);
  await page.goto('/customers/new');
  await page.getByLabel('Individual').check();
  await page.getByLabel('First name').fill('Ines');
  await page.getByLabel('Last name').fill('Dubois');
  await page.getByLabel('E-mail').fill('ines@example.be');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Ines Dubois' })).toBeVisible();
  const customerUrl = page.url();
  await page.goto('/invoices/new');
  await page.getByLabel('Customer').selectOption({ label: 'Ines Dubois' });
  await page.getByLabel('Description').first().fill('Consultation');
  await page.getByLabel('Unit price').first().fill('80');
  await page.getByRole('button', { name: 'Issue' }).click();
  await expect(page.getByTestId('invoice-number')).toBeVisible();
  const invoiceUrl = page.url();

  const pages = [
    '/', '/customers', customerUrl, `${customerUrl}?tab=twikey`, '/customers/new', '/invoices', invoiceUrl,
    '/invoices/new', '/subscriptions', '/subscriptions/new', '/outbox', '/settings/company',
    '/settings/connections', '/settings/connections/twikey',
  ];
  for (const lang of ['English', 'Français']) {
    if (lang === 'Français') {
      await page.getByRole('button', { name: email }).click();
      await page.getByRole('button', { name: /Français/ }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    }
    for (const path of pages) {
      await page.goto(path);
      await expect(page.locator('main h1').first()).toBeVisible();
      // a form built in the browser has started (its controls enabled) before measuring
      for (const gate of await page.locator('fieldset.app-gate').all()) {
        await expect(gate).toHaveAttribute('aria-busy', 'false');
      }
      found.push(...(await violations(page)));
    }
  }
  expect(found, found.join('\n')).toEqual([]);
});

test('the keyboard alone reaches the account menu, a switch, the tabs and a form', async ({ page }) => {
  const email = uniqueEmail('keys');
  await signUp(page, 'Clavier Seul', email);
  // Escape closing the menu is the client's work: start on a page that shows when it is ready
  await page.goto('/invoices/new');
  await expect(page.locator('fieldset.app-gate')).toHaveAttribute('aria-busy', 'false');

  // the account menu: Enter opens it, Tab walks into it, Escape closes it and gives the focus back
  const menu = page.getByRole('button', { name: email });
  await menu.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: 'Applications & connections' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Company details' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('link', { name: 'Applications & connections' })).toBeHidden();
  await expect(menu).toBeFocused();

  // a switch: Space turns Twikey on
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Applications & connections' }).focus();
  await page.keyboard.press('Enter');
  const twikey = page.getByRole('switch', { name: 'Twikey' });
  await expect(twikey).toHaveAttribute('aria-checked', 'false');
  await twikey.focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('switch', { name: 'Twikey' })).toHaveAttribute('aria-checked', 'true');

  // a customer made with the keyboard, then its tabs
  await page.goto('/customers/new');
  await page.getByLabel('Individual').focus();
  await page.keyboard.press('Space');
  await page.getByLabel('First name').focus();
  await page.keyboard.type('Kim');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Maes');
  await page.getByLabel('E-mail').focus();
  await page.keyboard.type('kim@example.be');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Kim Maes' })).toBeVisible();
  await page.getByRole('tab', { name: 'Twikey' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'Twikey' })).toHaveAttribute('aria-selected', 'true');

  // a disclosure form on an invoice: Enter opens it, the keyboard fills and sends it
  await page.goto('/invoices/new');
  await page.getByLabel('Customer').selectOption({ label: 'Kim Maes' });
  await page.getByLabel('Description').first().fill('Advice');
  await page.getByLabel('Unit price').first().fill('10');
  await page.getByRole('button', { name: 'Issue' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('invoice-number')).toBeVisible();
  await page.getByRole('button', { name: 'Record payment' }).focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Amount').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('h1 [data-status="paid"]')).toBeVisible();
  await shot(page, 'person-03-keyboard');
});

test.describe('without the client (JavaScript off)', () => {
  test.use({ javaScriptEnabled: false });

  test('signing up, company details, a customer, logging in and the Twikey switch work as plain forms, with errors and what was typed kept; the editor says it needs JavaScript', async ({ page }) => {
    const email = uniqueEmail('plain');
    await page.goto('/signup');
    await page.getByLabel('Company name').fill('Sans Script');
    await page.getByLabel('Your name').fill('Eva Peeters');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // the server answers with the page again: the error at its field, the rest as typed
    await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Company name')).toHaveValue('Sans Script');
    await expect(page.getByLabel('Your name')).toHaveValue('Eva Peeters');
    await expect(page.getByLabel('E-mail')).toHaveValue(email);
    await expect(page.getByLabel('Password')).toHaveValue('');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('button', { name: email })).toBeVisible();
    // pages arrive readable, data included, and their links work
    await expect(page.getByTestId('dash-open')).toBeVisible();
    await shot(page, 'person-05-signed-up-without-client');

    // company details, first with a wrong IBAN: the page comes back as typed, the IBAN marked
    await page.getByRole('button', { name: email }).click();
    await page.getByRole('link', { name: 'Company details' }).click();
    await page.getByLabel('Legal name').fill('Sans Script SRL');
    await page.getByLabel('Street').fill('Rue de la Loi 16');
    await page.getByLabel('Postcode').fill('1000');
    await page.getByLabel('City').fill('Bruxelles');
    await page.getByLabel('Enterprise number', { exact: true }).fill('0123.456.749');
    await page.getByLabel('IBAN', { exact: true }).fill('BE00 1234');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByLabel('IBAN', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Legal name')).toHaveValue('Sans Script SRL');
    await expect(page.getByLabel('IBAN', { exact: true })).toHaveValue('BE00 1234');
    await shot(page, 'person-06-company-error-without-client');
    await page.getByLabel('IBAN', { exact: true }).fill('BE71 0961 2345 6769');
    await page.getByLabel('BIC', { exact: true }).fill('GKCCBEBB');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Company details saved.')).toBeVisible();
    await expect(page.getByLabel('City')).toHaveValue('Bruxelles');

    // a customer, first with a wrong e-mail address
    await page.goto('/customers/new');
    await page.getByLabel('Company', { exact: true }).check();
    await page.getByLabel('Company name').fill('Brasserie Sans Script');
    await page.getByLabel('E-mail').fill('brasserie@');
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Company name')).toHaveValue('Brasserie Sans Script');
    await expect(page.getByLabel('Company', { exact: true })).toBeChecked();
    await expect(page.getByLabel('Language')).toHaveValue('nl');
    await page.getByLabel('E-mail').fill('brasserie@example.be');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { name: 'Brasserie Sans Script' })).toBeVisible();
    await shot(page, 'person-07-customer-without-client');

    await page.context().clearCookies();
    await page.goto('/invoices');
    await expect(page).toHaveURL(/\/login\?next=\/invoices/);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByText('E-mail or password is wrong.')).toBeVisible();
    await expect(page.getByLabel('E-mail')).toHaveValue(email);
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    // back where the visitor was going
    await expect(page).toHaveURL(/\/invoices$/);
    await expect(page.getByRole('button', { name: email })).toBeVisible();
    await page.getByRole('link', { name: 'Customers' }).click();
    await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
    await expect(page.getByText('Loading')).toHaveCount(0);

    // the Twikey switch, from the account menu
    await page.getByRole('button', { name: email }).click();
    await page.getByRole('link', { name: 'Applications & connections' }).click();
    await page.getByRole('switch', { name: 'Twikey' }).click();
    await expect(page.getByRole('switch', { name: 'Twikey' })).toHaveAttribute('aria-checked', 'true');

    // the invoice editor is built in the browser: it says so, and its controls stay disabled
    await page.getByRole('link', { name: 'Invoices' }).click();
    await page.getByRole('button', { name: 'New invoice' }).click();
    // (in a <noscript>, which Playwright's text matching skips; the screenshot shows it)
    await expect(page.getByRole('button', { name: 'Issue' })).toBeVisible();
    expect(await page.content()).toContain('This form works in the browser: switch JavaScript on to use it.');
    await expect(page.getByRole('button', { name: 'Issue' })).toBeDisabled();
    await shot(page, 'person-08-editor-without-client');
  });
});
