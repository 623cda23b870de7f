// End to end: a package written by the real `casevault send` is opened from a
// file:// address in Chromium with every network request blocked, as a
// recipient with only a browser would: the expiry date shows, a wrong
// passphrase gets its sentence, the right one (the passphrase the command
// made and printed once) lists every file with its size, and "Save all"
// saves each one byte-identical, a 60 MiB file and odd names included. A
// flipped byte and a cut-off download each get the damage sentence. The
// package holds none of the files' bytes or names in the clear. After its
// expiry date the page says so (advisory: docs/send-format.md).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { byteSize } from '../../contract/words.js';
import { packageHtml, sealPackage } from '../../crypto/send/index.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

const MiB = 1024 * 1024;
const WRONG = 'That passphrase does not open this package. Check it with the sender.';
const DAMAGED = 'This package is damaged or incomplete: ask the sender to send it again.';

/** Random bytes, so no stretch of a file can appear in the package by chance. */
const FILES: Record<string, Uint8Array> = {
  'Case 0042/grievance letter (final).docx': randomBytes(30_000),
  'Case 0042/recording 2026-03-04.wav': randomBytes(60 * MiB),
  'Case 0042/Siobhán’s notes – <b>draft</b> & "quotes".txt': randomBytes(700),
  'Case 0042/empty.txt': new Uint8Array(0),
  'Case 0042/日本語 📎/報告.pdf': randomBytes(65_536),
};

/** A day a month from now, as the command takes it. */
function inAMonth(): string {
  const d = new Date();
  return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate() + 30)).toISOString().slice(0, 10);
}

/** A context that lets no request out: anything but the file:// page itself is recorded and aborted. */
async function offline(context: BrowserContext): Promise<string[]> {
  const tried: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    tried.push(url);
    return route.abort();
  });
  context.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('blob:')) tried.push(r.url());
  });
  return tried;
}

/** Console errors and page errors (a CSP refusal shows as one). */
function problems(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(m.text());
  });
  page.on('pageerror', (e) => seen.push(e.message));
  return seen;
}

async function openWith(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByLabel('Passphrase').press('Enter');
}

test('a package from `casevault send` opens offline from file:// in Chromium and saves every file byte-identical', needsChromium, async () => {
  const { root, vault, cli } = await makeVault({ files: FILES });
  const out = join(root, 'out', 'For J Patel.html');
  const expires = inAMonth();
  const sent = await cli(['send', join(vault, 'Case 0042'), '--out', out, '--to', 'J. Patel, Thompsons Solicitors', '--expires', expires]);
  assert.equal(sent.code, 0, sent.stderr);
  const passphrase = /Passphrase \(shown once\): (.+)/.exec(sent.stdout)?.[1];
  assert.ok(passphrase && passphrase.split(' ').length === 5, 'five words made and printed once');
  assert.match(sent.stdout, /never in the same e-mail/);

  // Nothing readable: no name, no stretch of any file.
  const html = await readFile(out);
  for (const [name, bytes] of Object.entries(FILES)) {
    for (const part of name.split('/')) assert.equal(html.indexOf(Buffer.from(part)), -1, `the name part ${part} is not in the package`);
    for (let at = 0; at + 32 <= bytes.length; at += Math.max(32, Math.floor(bytes.length / 50)))
      assert.equal(html.indexOf(Buffer.from(bytes.subarray(at, at + 32))), -1, `no 32 bytes of ${name} at ${at}`);
  }

  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const tried = await offline(context);
    const page = await context.newPage();
    const errors = problems(page);
    await page.goto(pathToFileURL(out).href);
    await page.getByText(/The sender asked for these files to be opened by/).waitFor();
    assert.equal(await page.locator('input').count(), 1, 'one field');
    assert.equal(await page.getByLabel('Passphrase').getAttribute('type'), 'password');

    await openWith(page, 'orbit velvet camp fossil lemon');
    await page.getByText(WRONG).waitFor({ timeout: 60_000 });

    await openWith(page, passphrase);
    const names = Object.keys(FILES);
    await page.getByRole('heading', { name: new RegExp(`^${names.length} files \\(`) }).waitFor({ timeout: 60_000 });
    for (const name of names) {
      const row = page.getByRole('listitem').filter({ has: page.getByRole('button', { name, exact: true }) });
      assert.equal(await row.locator('.size').textContent(), byteSize(FILES[name]!.length), name);
    }
    await shot(page, 'send-recipient.png');

    // "Save all" saves every file, one download each. Chromium may start a large Blob's download after a small one
    // behind it, so each saved file is matched by its content, and its name checked against the package's.
    const byHash = new Map(Object.entries(FILES).map(([name, bytes]) => [createHash('sha256').update(bytes).digest('hex'), name]));
    const saving: Promise<{ suggested: string; to: string }>[] = [];
    let allStarted!: () => void;
    const started = new Promise<void>((done) => (allStarted = done));
    page.on('download', (d) => {
      const to = join(root, `saved-${saving.length}`);
      saving.push(d.saveAs(to).then(() => ({ suggested: d.suggestedFilename(), to })));
      if (saving.length === names.length) allStarted();
    });
    await page.getByRole('button', { name: 'Save all' }).click();
    await page.getByText(`Saved ${names.length} of ${names.length}.`).waitFor({ timeout: 120_000 });
    await started;
    for (const { suggested, to } of await Promise.all(saving)) {
      const hash = createHash('sha256')
        .update(await readFile(to))
        .digest('hex');
      const name = byHash.get(hash);
      assert.ok(name, `${suggested} is byte-identical to a file sent, and saved once`);
      byHash.delete(hash);
      // Browsers save no folders (the page joins the parts with " - "); Chromium itself replaces < > and " in a saved name.
      assert.equal(suggested, name.split('/').join(' - ').replace(/[<>"]/g, '_'));
    }
    assert.equal(byHash.size, 0, 'every file saved');

    // Clicking a file's name saves it too.
    const one = page.waitForEvent('download');
    await page.getByRole('button', { name: names[0]!, exact: true }).click();
    const again = await one;
    await again.saveAs(join(root, 'again'));
    assert.ok(Buffer.from(FILES[names[0]!]!).equals(await readFile(join(root, 'again'))));

    assert.deepEqual(tried, [], 'no request left the page');
    assert.deepEqual(errors, [], 'no error and no CSP refusal');
  } finally {
    await browser.close();
  }
});

test('the page gives the damage sentence for a flipped byte in the package and for a cut-off download', needsChromium, async () => {
  const files = { 'letter.txt': randomBytes(200_000) };
  const { root, vault, cli } = await makeVault({ files });
  const out = join(root, 'package.html');
  const passphrase = 'correct horse battery staple orbit';
  const sent = await cli(['send', join(vault, 'letter.txt'), '--out', out], { CASEVAULT_SEND_PASSPHRASE: passphrase });
  assert.equal(sent.code, 0, sent.stderr);
  assert.doesNotMatch(sent.stdout, /Passphrase \(shown once\)/, 'a passphrase the person gave is never printed');
  const html = await readFile(out, 'utf8');
  const pieces = [...html.matchAll(/<script type="application\/x-casevault-send">([^<]*)<\/script>\n/g)];
  assert.ok(pieces.length >= 4, 'a header and several messages');

  /** One base64 character changed in the middle of the piece: a changed byte. */
  const flipIn = (i: number) => {
    const m = pieces[i]!;
    const at = m.index + m[0].indexOf('>') + 1 + Math.floor(m[1]!.length / 2);
    return html.slice(0, at) + (html[at] === 'A' ? 'B' : 'A') + html.slice(at + 1);
  };
  const last = pieces.at(-1)!;
  const cases: [string, string, 'open' | 'save'][] = [
    ['flipped in the first message', flipIn(1), 'open'],
    ['flipped in a later message', flipIn(2), 'save'],
    ['cut off before the last message', html.slice(0, last.index) + html.slice(last.index + last[0].length), 'open'],
  ];
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const tried = await offline(context);
    for (const [name, text, when] of cases) {
      const file = join(root, `${name}.html`);
      await writeFile(file, text);
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      await openWith(page, passphrase);
      if (when === 'save') {
        await page.getByRole('button', { name: 'Save letter.txt' }).waitFor({ timeout: 60_000 });
        // On a phone's width the list fits: nothing to scroll sideways.
        await page.setViewportSize({ width: 360, height: 740 });
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'fits a phone');
        await page.getByRole('button', { name: 'Save letter.txt' }).click();
      }
      await page.getByText(DAMAGED).waitFor({ timeout: 60_000 });
      assert.equal(await page.getByText(WRONG).count(), 0, name);
      await page.close();
    }
    assert.deepEqual(tried, []);
  } finally {
    await browser.close();
  }
});

test('after the expiry date the page says the package has expired and asks for no passphrase', needsChromium, async () => {
  const dir = await tempDir('send-expired');
  const file = join(dir, 'expired.html');
  const template = await readFile(new URL('../../send-page/package.html', import.meta.url), 'utf8');
  // The command refuses a day already past, so this package is written with the format's own writer.
  const yesterday = Math.floor(Date.now() / 86_400_000) - 2;
  const pieces = sealPackage({
    passphrase: 'any words will do here',
    files: [{ name: 'a.txt', size: 1 }],
    content: () => [new Uint8Array(1)],
    created: new Date(),
    expiresDay: yesterday,
  });
  const parts: Uint8Array[] = [];
  for await (const p of packageHtml(template, pieces)) parts.push(p);
  await writeFile(file, Buffer.concat(parts));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.getByText(/^This package expired on .*: ask the sender to send it again if you still need the files\.$/).waitFor();
    assert.equal(await page.getByLabel('Passphrase').isVisible(), false);
    await shot(page, 'send-expired.png');
  } finally {
    await browser.close();
  }
});
