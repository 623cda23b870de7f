// End to end in Chromium: a laptop is lost. From the office computer, in one
// sitting in Settings: see it under "Computers using this vault", mark it
// lost and order the wipe, rotate the keys, print the breach report. Then
// the laptop runs Casevault once (a real `casevault sync` in its own home):
// its vault is gone, and the office's list says "wiped on <date>".
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { needsChromium, shot, withApp } from '../helpers/browser.js';
import { anotherComputer, firstComputer } from '../devices/helpers.js';

const NEW = 'harbour violin seventeen crooked umbrella';

test('lost laptop: listed, marked lost with its wipe ordered, keys rotated, breach report printed; once it runs, it says wiped', needsChromium, async () => {
  const { v, office } = await firstComputer({ 'Member 0042/letter.txt': 'hearing on Thursday', 'Member 0107/notes.md': 'notes' });
  const laptop = await anotherComputer(v, 'laptop', { 'Member 0311/statement.txt': 'only on the laptop' });

  await withApp(office.engine, async (page) => {
    await page.getByTestId('overall').waitFor();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const card = page.getByRole('region', { name: 'Computers using this vault' });
    await card.getByRole('button', { name: 'Show the computers…' }).click();
    const unlock = card.getByRole('form', { name: 'Unlock the vault' });
    await unlock.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click();
    const row = card.getByRole('row').filter({ hasText: 'laptop' });
    await row.getByText('Active').waitFor();
    await card.getByRole('row').filter({ hasText: '(this computer)' }).waitFor();
    await shot(page, 'computers.png');

    await row.getByRole('button', { name: 'Mark as lost…' }).click();
    const form = card.getByRole('form', { name: 'Mark as lost' });
    await shot(page, 'computers-mark-lost.png');
    await form.getByRole('button', { name: 'Mark as lost and order the wipe' }).click();
    await row.getByText('Lost: wipe ordered, not yet carried out').waitFor();

    // The keys, in the card below.
    await page.getByRole('button', { name: 'Rotate keys…' }).click();
    const rotate = page.getByRole('form', { name: 'Rotate keys' });
    await rotate.getByLabel(/^New passphrase/).fill(NEW);
    await rotate.getByLabel('Type the new passphrase again').fill(NEW);
    await rotate.getByRole('button', { name: 'Rotate keys now' }).click();
    const words = await page.getByTestId('rotated-recovery-key').innerText();
    await page.getByLabel('To check you have it').fill(words);
    await page.getByRole('button', { name: 'I have saved it: re-encrypt the cloud copy' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Done: this computer uses the new keys/ })
      .waitFor();

    // The breach report: on screen, and saved as a page.
    const saved = page.waitForEvent('download');
    await row.getByRole('button', { name: 'Breach report' }).click();
    const report = card.getByRole('region', { name: 'Breach report' });
    await report.getByText('Member 0311: 1 file').waitFor();
    const download = await saved;
    const html = await readFile((await download.path())!, 'utf8');
    for (const c of ['Member 0042', 'Member 0107', 'Member 0311']) assert.ok(html.includes(c), `${c} in the printed report`);
    assert.doesNotMatch(html, /<script|https?:\/\//, 'a page with no script and no external resource');
    await shot(page, 'computers-breach-report.png');

    // The laptop runs Casevault once.
    const r = await laptop.cli(['sync']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(await exists(laptop.vault), false, "the laptop's vault folder is gone");
    assert.equal(await exists(join(laptop.home, 'casevault.key')), false, "the laptop's keys are gone");

    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await card
      .getByRole('row')
      .filter({ hasText: 'laptop' })
      .getByText(/^Lost: wiped on /)
      .waitFor();
    await shot(page, 'computers-wiped.png');
  });
});
