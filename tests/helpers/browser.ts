// The end-to-end tests' browser: Debian's Chromium driven by Playwright (it
// downloads no browser of its own), with the flags this closed network
// needs, and the README's screenshots.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { defaultStaticDir, startBrowserServer, type Engine } from '../../engine/index.js';

export const CHROMIUM = '/usr/bin/chromium';

/** For test(): skipped where Chromium is missing, except in CI (which installs it, so a missing one fails). */
export const needsChromium = { skip: !existsSync(CHROMIUM) && !process.env.CI ? 'Debian chromium is not installed (CI installs it)' : false };

/**
 * How long a page may take to show what a test waits for. Playwright's 30 s
 * broke on a machine kept busy by other work (2 shared cores, Argon2 and
 * Chromium competing); the tests wait for what the page shows, never for a
 * time, so a longer limit only makes a slow machine pass, never a wrong page.
 */
const PATIENCE_MS = 300_000;

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: PATIENCE_MS,
  });
  // browser.newPage makes its context through this.newContext, so its pages get the same limit.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(PATIENCE_MS);
    context.setDefaultNavigationTimeout(PATIENCE_MS);
    return context;
  };
  return browser;
}

/** README screenshots: CASEVAULT_SCREENSHOTS=docs/screenshots node --test dist/tests/e2e/ (the whole page, or the one part `of` it) */
export async function shot(page: Page, name: string, of?: Locator): Promise<void> {
  const dir = process.env.CASEVAULT_SCREENSHOTS;
  if (!dir) return;
  if (of)
    await of.screenshot({ path: join(dir, name) }); // one card of a long screen
  else await page.screenshot({ path: join(dir, name), fullPage: true });
}

/** The app in Chromium in browser mode on `engine`, signed in with the launch link; everything is stopped afterwards, live sync too. */
export async function withApp(engine: Engine, use: (page: Page) => Promise<void>): Promise<void> {
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await use(page);
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
}
