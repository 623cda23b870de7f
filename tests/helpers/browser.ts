// The end-to-end tests' browser: Debian's Chromium driven by Playwright (it
// downloads no browser of its own), with the flags this closed network
// needs, and the README's screenshots.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** For test(): skipped where Chromium is missing, except in CI (which installs it, so a missing one fails). */
export const needsChromium = { skip: !existsSync(CHROMIUM) && !process.env.CI ? 'Debian chromium is not installed (CI installs it)' : false };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** README screenshots: CASEVAULT_SCREENSHOTS=docs/screenshots node --test dist/tests/e2e/ */
export async function shot(page: Page, name: string): Promise<void> {
  if (process.env.CASEVAULT_SCREENSHOTS) await page.screenshot({ path: join(process.env.CASEVAULT_SCREENSHOTS, name), fullPage: true });
}
