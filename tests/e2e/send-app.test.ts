// End to end in Chromium: "Send securely" in the app. A caseworker narrows
// the vault list to a case folder and sends it in three clicks (choose all
// shown, "Send … securely…", "Write the package"); the passphrase Casevault
// made is shown once with what to do with it, and opens the package to the
// same bytes; the record of packages sent lists it. Files just added with
// the drop zone's chooser can be sent at once the same way.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openPackage } from '../../crypto/send/index.js';
import { ready } from '../../crypto/sodium.js';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';
import { makeVault } from '../helpers/vault.js';
import { bytesOfPage, contentsOf } from '../send/helpers.js';

const FILES = {
  'Case 0042/grievance letter.txt': 'Dear Ms Patel, please find the grievance attached.',
  'Case 0042/hearing notes.txt': 'Hearing on 4 March: present SO, rep, HR.',
  'Case 0042/evidence/rota.csv': 'name,shift\nSO,early\n',
  'Case 0043/letter.txt': 'Another member entirely.',
};

/** A page's package opened: each file's name and text. */
async function opened(html: string, passphrase: string): Promise<Map<string, string>> {
  const bytes = await bytesOfPage(html);
  const pkg = await openPackage(await ready(), () => [bytes], passphrase);
  const contents = await contentsOf(pkg);
  return new Map(pkg.manifest.files.map((f, i) => [f.name, Buffer.from(contents[i]!).toString()]));
}

test('send a case folder from the app in three clicks, and files just added, each into a package its passphrase opens', needsChromium, async () => {
  const { root, engine } = await makeVault({ files: FILES, unlocked: true });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Files in the vault' }).waitFor();
    await page.getByLabel('Name contains').fill('Case 0042');
    await page.getByLabel('Choose all files shown').check(); // 1
    await page.getByRole('button', { name: 'Send 3 files securely…' }).click(); // 2
    const dialog = page.getByRole('dialog', { name: 'Send 3 files securely' });
    await dialog.waitFor();
    const out = join(root, 'out', 'For J Patel.html');
    // The place is typed here only to keep the test out of the real Desktop; every field has a default.
    await dialog.getByLabel('Save the package as').fill(out);
    await dialog.getByLabel('To whom (for the records, optional)').fill('J. Patel, Thompsons Solicitors');
    await shot(page, 'send-dialog.png');
    await dialog.getByRole('button', { name: 'Write the package' }).click(); // 3
    await page.getByRole('heading', { name: 'Package written' }).waitFor({ timeout: 60_000 });
    await page.getByText('Tell the passphrase to the recipient by phone or text message, never in the same e-mail as the package.').waitFor();
    const passphrase = (await page.getByLabel("The package's passphrase").textContent()) ?? '';
    assert.equal(passphrase.split(' ').length, 5, passphrase);
    await shot(page, 'send-written.png');

    const got = await opened(out, passphrase);
    assert.deepEqual(
      [...got.keys()],
      ['Case 0042/evidence/rota.csv', 'Case 0042/grievance letter.txt', 'Case 0042/hearing notes.txt'],
      'the case folder, under its vault paths, and nothing else',
    );
    for (const [name, text] of got) assert.equal(text, FILES[name as keyof typeof FILES], name);
    const record = await engine.sentPackages();
    assert.equal(record.packages[0]?.to, 'J. Patel, Thompsons Solicitors');
    assert.equal(record.packages[0]?.out, out);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByLabel('Choose files to add').setInputFiles({ name: 'statement.txt', mimeType: 'text/plain', buffer: Buffer.from('My statement.') });
    await page.getByRole('button', { name: 'Send it securely…' }).click();
    const second = join(root, 'out', 'statement.html');
    await page.getByRole('dialog', { name: 'Send 1 file securely' }).getByLabel('Save the package as').fill(second);
    await page.getByRole('radio', { name: 'Use my own' }).check();
    await page.getByLabel('Your passphrase for this package').fill('password');
    await page.getByRole('button', { name: 'Write the package' }).click();
    await page.getByText(/That passphrase is too weak/).waitFor();
    const own = 'lantern orchard seventeen quietly harbour';
    await page.getByLabel('Your passphrase for this package').fill(own);
    await page.getByRole('button', { name: 'Write the package' }).click();
    await page.getByText('It opens with the passphrase you chose.').waitFor({ timeout: 60_000 });
    assert.deepEqual([...(await opened(second, own))], [['statement.txt', 'My statement.']]);
    assert.equal((await engine.sentPackages()).packages.length, 2);
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
