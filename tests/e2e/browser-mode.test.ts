// Browser mode as a person meets it in Chromium: a fresh start loads with no
// failed request; closing the tab and opening the address again keeps
// working (the session lasts as long as the server); a browser without the
// session is told how to get in, and a new link handed out on request works
// once. `npm start`'s launcher opens a private redirect file, never the
// token on a command line (electron/launch.ts).
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openInBrowser } from '../../electron/launch.js';
import { Engine } from '../../engine/engine.js';
import { defaultStaticDir, NEEDS_LINK, startBrowserServer } from '../../engine/transport/server.js';
import { launchChromium, needsChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/fs.js';

test(
  'a fresh start loads with no failed request; a closed tab opens again; a browser without the session gets a new link on request',
  needsChromium,
  async () => {
    const root = await tempDir('browser-mode');
    const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
    const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${new URL(r.url()).pathname}`));
      // The event stream stays open for as long as the page does: the reload below ends it (aborted), which is no failure.
      const streamEnded = (r: { url(): string; failure(): { errorText: string } | null }) =>
        new URL(r.url()).pathname === '/api/events' && r.failure()?.errorText === 'net::ERR_ABORTED';
      page.on('requestfailed', (r) => streamEnded(r) || problems.push(`failed ${new URL(r.url()).pathname}`));
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Create vault' }).waitFor();
      await page.reload(); // the browser asks for its icon once the page has loaded; a reload waits for that request to end
      await page.getByRole('button', { name: 'Create vault' }).waitFor();
      assert.deepEqual(problems, [], 'no request failed and nothing was logged as an error');

      await page.close();
      const again = await context.newPage();
      await again.goto(`http://127.0.0.1:${server.port}/`);
      await again.getByRole('button', { name: 'Create vault' }).waitFor();
      await again.goto(server.url); // the used link, in a browser that has the session: still in
      await again.getByRole('button', { name: 'Create vault' }).waitFor();

      const elsewhere = await (await browser.newContext()).newPage();
      const refused = await elsewhere.goto(`http://127.0.0.1:${server.port}/`);
      assert.equal(refused?.status(), 401);
      assert.equal(await elsewhere.locator('body').innerText(), NEEDS_LINK);
      assert.equal((await elsewhere.goto(server.url))?.status(), 403, 'the first link worked once');
      const link = server.newLink();
      await elsewhere.goto(link);
      await elsewhere.getByRole('button', { name: 'Create vault' }).waitFor();
      assert.equal(new URL(elsewhere.url()).search, '', 'the token is stripped from the address bar');
      const third = await (await browser.newContext()).newPage();
      assert.equal((await third.goto(link))?.status(), 403, 'the new link works once too');
    } finally {
      await browser.close();
      await server.close();
    }
  },
);

test("npm start opens the browser on a private redirect file: the token is never on the launcher's command line", needsChromium, async () => {
  const root = await tempDir('launcher');
  const seen = join(root, 'opened-with');
  const fake = join(root, process.platform === 'darwin' ? 'open' : 'xdg-open');
  await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`);
  await chmod(fake, 0o755);
  const engine = new Engine(join(root, 'home'), { CASEVAULT_KDF_PROFILE: 'interactive' });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const token = new URL(server.url).searchParams.get('token')!;
  const browser = await launchChromium();
  const path = process.env.PATH;
  process.env.PATH = `${root}:${path}`;
  try {
    const opened = await openInBrowser(server.url);
    await opened.launched;
    const args = (await readFile(seen, 'utf8')).trim().split('\n');
    assert.ok(!args.join(' ').includes(token), 'the token is not on the command line (readable in /proc by every local user)');
    const file = args.at(-1)!;
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'only this user can read the redirect file');
    assert.equal((await stat(join(file, '..'))).mode & 0o777, 0o700, 'in a folder only this user can enter');
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    await page.waitForURL(`http://127.0.0.1:${server.port}/`);
    await page.getByRole('button', { name: 'Create vault' }).waitFor();
    assert.equal(new URL(page.url()).origin, `http://127.0.0.1:${server.port}`);
    await opened.close();
    assert.equal(await stat(file).catch(() => undefined), undefined, 'the redirect file is gone when the server stops');
  } finally {
    process.env.PATH = path;
    await browser.close();
    await server.close();
  }
});
