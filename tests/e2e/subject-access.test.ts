// End to end in Chromium: a member's subject access request. Search the vault
// from the app (unlocking when asked); the branch's members spreadsheet is
// found but not ticked, and says why; untick one more file, check what will
// leave and where, export to a zip, and check the zip holds exactly the
// ticked files, byte for byte, and the manifest.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import { defaultStaticDir, startBrowserServer } from '../../engine/transport/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';
import { makeDocx, makeEml, makePdf } from '../sar/fixtures.js';
import { launchChromium, needsChromium, shot } from '../helpers/browser.js';

test('subject access request: the members spreadsheet unticked, check what leaves, export only what was ticked', needsChromium, async () => {
  const files: Record<string, Uint8Array> = {
    'Members/0042/grievance letter.docx': makeDocx(['Grievance raised by Siobhán O’Neill', 'Stage 1 outcome: upheld']),
    'Members/0042/hearing notes.pdf': makePdf([['Disciplinary hearing'], ["Present: SIOBHAN O'NEILL and her rep"]]),
    'Inbox/re-rota.eml': makeEml({
      from: '"Siobhan O\'Neill" <s.oneill@example.org>',
      to: 'rep@union.example',
      subject: 'Rota change',
      text: 'Can we talk about the rota?',
      html: '<p>Can we talk about the <b>rota</b>?</p>',
    }),
    'Branch/minutes 2026-03.txt': new TextEncoder().encode("Branch meeting. Siobhan O'Neill raised the car park."),
    'Branch/rota.csv': new TextEncoder().encode('name,shift\nBob Smith,early\n'),
    'Branch/members.csv': new TextEncoder().encode(
      "name,email\nSiobhan O'Neill,s.oneill@example.org\nBob Smith,bob@example.org\nPriya Shah,priya@example.org\n",
    ),
    'Members/0043/letter.docx': makeDocx(['Letter for Priya Shah']),
  };
  const { root, engine } = await makeVault({ files });
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  const browser = await launchChromium();
  const zipPath = join(root, 'out', 'SAR-2026-014.zip');
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Subject access' }).click();
    await page.getByRole('heading', { name: 'Subject access request' }).waitFor();
    await page.getByLabel(/name, reference number or e-mail address/).fill("siobhan o'neill\ns.oneill@example.org");
    await page.getByLabel('Request reference').fill('SAR-2026-014');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: 'Unlock the vault' }).waitFor();
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('heading', { name: 'Found 5 files' }).waitFor();
    for (const p of ['Members/0042/grievance letter.docx', 'Members/0042/hearing notes.pdf', 'Inbox/re-rota.eml', 'Branch/minutes 2026-03.txt']) {
      assert.equal(await page.getByRole('checkbox', { name: p }).isChecked(), true, p);
    }
    assert.equal(await page.getByRole('checkbox', { name: 'Branch/members.csv' }).isChecked(), false, "the members' spreadsheet is not ticked");
    await page.getByText(/May hold other members' data \(it is a spreadsheet or table/).waitFor();
    const suggested = await page.getByLabel('Save the zip file as').inputValue();
    assert.match(suggested, /\/SAR-2026-014 \(.+\)\.zip$/, 'a default path named after the reference and the day');
    assert.doesNotMatch(suggested, /SAR-SAR/);
    assert.equal(await page.getByRole('checkbox', { name: 'Branch/rota.csv' }).count(), 0);
    assert.equal(await page.getByRole('checkbox', { name: 'Members/0043/letter.docx' }).count(), 0);
    await page.getByText(/Found in the text: .*Present: SIOBHAN O'NEILL/).waitFor();

    await page.getByRole('checkbox', { name: 'Branch/minutes 2026-03.txt' }).uncheck();
    await page.getByLabel('Save the zip file as').fill('relative.zip'); // refused before the check page would name it
    await page.getByRole('button', { name: 'Continue: check what will be exported' }).click();
    await page.getByText(/^"relative\.zip" is not a full path/).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Check before you export' }).count(), 0);
    await page.getByLabel('Save the zip file as').fill(zipPath);
    await shot(page, 'subject-access.png');
    assert.equal(await page.getByRole('button', { name: 'Export 3 files' }).count(), 0, 'no export before the check');
    await page.getByRole('button', { name: 'Continue: check what will be exported' }).click();
    const check = page.locator('section', { has: page.getByRole('heading', { name: 'Check before you export' }) });
    await check.getByText(`3 files (`).waitFor();
    await check.getByText(zipPath).waitFor();
    assert.deepEqual(
      (await check.locator('tbody tr td:first-child').allTextContents()).sort(),
      ['Inbox/re-rota.eml', 'Members/0042/grievance letter.docx', 'Members/0042/hearing notes.pdf'],
      'the check lists exactly what will leave',
    );
    await shot(page, 'subject-access-check.png');
    await page.getByRole('button', { name: 'Export 3 files' }).click();
    await page.getByText(`Exported 3 files and a manifest to ${zipPath}.`).waitFor();

    const zip = unzipSync(new Uint8Array(await readFile(zipPath)));
    const chosen = ['Members/0042/grievance letter.docx', 'Members/0042/hearing notes.pdf', 'Inbox/re-rota.eml'];
    assert.deepEqual(Object.keys(zip).sort(), ['MANIFEST.csv', 'MANIFEST.html', ...chosen.map((p) => `files/${p}`)].sort());
    const csv = strFromU8(zip['MANIFEST.csv']!);
    assert.match(csv, /^Request reference,SAR-2026-014\r\n/);
    for (const p of chosen) {
      assert.deepEqual(zip[`files/${p}`], files[p], p);
      assert.ok(csv.includes(`files/${p},${p},${files[p]!.length},`), p);
      assert.ok(csv.includes(createHash('sha256').update(files[p]!).digest('hex')), p);
    }
    assert.match(strFromU8(zip['MANIFEST.html']!), /Number of files: 3/);
    const audit = (await engine.auditEntries()).map((e) => `${e.event}: ${e.detail ?? ''}`);
    assert.ok(audit.includes('subject access search: reference SAR-2026-014: 5 files found'));
    assert.ok(audit.includes(`subject access export: reference SAR-2026-014: 3 files to the zip file ${zipPath}`));
  } finally {
    await browser.close();
    await server.close();
    await engine.stopLiveSync();
  }
});
