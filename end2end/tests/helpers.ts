import { Page, expect } from '@playwright/test';

/** Waits until the wasm client has taken over the page (set at the end of `hydrate()`). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** A unique e-mail per run, so tests never collide on one database. */
export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.be`;
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

export async function signUp(page: Page, company: string, email: string, password = 'a-long-password') {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Company name').fill(company);
  await page.getByLabel('Your name').fill('Owner ' + company);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: email })).toBeVisible();
}
