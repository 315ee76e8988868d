import type { Page } from 'playwright-core';

/** Opens the schema editor of one collection through the navigation, as an operator would. */
export async function openSchema(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Schema' }).click();
  await page.getByRole('link', { name: `Edit ${name}` }).click();
  await page.getByRole('heading', { name: `Edit ${name}` }).waitFor();
}

/** Makes one rule an expression and types `text` into it. */
export async function typeRule(page: Page, action: string, text: string): Promise<void> {
  await page.getByLabel(`Who may ${action}`).selectOption('expression');
  await page.getByLabel(`${action} expression`).fill(text);
}
