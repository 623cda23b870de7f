// Files that may hold other members' data: the rule (a spreadsheet or table;
// 5 or more different e-mail addresses; 10 or more different names, the
// member's own not counted), the search reporting it per hit, the command
// leaving such files out unless named with --path, and the default place an
// export goes (no "SAR-SAR-", never a name already taken).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { MANY_ADDRESSES, MANY_NAMES, othersDataReason } from '../../engine/sar/others.js';
import { defaultDestination, requestName } from '../../engine/sar/destination.js';
import { fold } from '../../engine/sar/fold.js';
import { run } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { makeDocx } from './fixtures.js';

const NAMES = ['Bob Smith', 'Priya Shah', 'Jane Doe', 'Tom Brown', 'Aled Jones', 'Mary Kelly', 'Sam Patel', 'Ana Silva', 'Li Wei', 'Kofi Mensah', 'Eve Adams'];
const terms = [fold("Siobhan O'Neill"), fold('s.oneill@example.org')];

test("the rule: tables by type; many different e-mail addresses or names in the text; the member's own not counted", () => {
  for (const p of ['Branch/members.csv', 'x/Rota.XLSX', 'a.tsv', 'b.ods', 'c.xls', 'd.numbers'])
    assert.match(othersDataReason(p, undefined, terms) ?? '', /spreadsheet or table/, p);
  assert.equal(othersDataReason('notes.txt', undefined, terms), undefined, 'unread text says nothing');
  assert.equal(othersDataReason('csv', undefined, terms), undefined, 'a name without an extension');

  const mails = (n: number) => Array.from({ length: n }, (_, i) => `member${i}@example.org`).join(', ');
  assert.equal(othersDataReason('mail.eml', `From: s.oneill@example.org\nTo: ${mails(MANY_ADDRESSES - 1)}`, terms), undefined, '4 others and her own');
  assert.equal(othersDataReason('mail.eml', `To: ${mails(MANY_ADDRESSES)}`, terms), `it holds ${MANY_ADDRESSES} different e-mail addresses`);
  assert.equal(othersDataReason('mail.eml', `To: ${mails(3)}, ${mails(3)}`, terms), undefined, 'the same addresses twice count once');

  const letter = "Dear Siobhán O'Neill,\nYour grievance was heard by Bob Smith and Priya Shah of Human Resources.\nYours sincerely,\nJane Doe";
  assert.equal(othersDataReason('letter.docx', letter, terms), undefined, 'a letter naming a few people');
  const list = NAMES.slice(0, MANY_NAMES).join('\n');
  assert.equal(othersDataReason('list.txt', list, terms), `it holds ${MANY_NAMES} different names`);
  assert.equal(
    othersDataReason('list.txt', `${NAMES.slice(0, MANY_NAMES - 1).join('\n')}\nSiobhán O’Neill\nSIOBHAN O'NEILL`, terms),
    undefined,
    'her own name does not count',
  );
  assert.equal(
    othersDataReason('list.txt', NAMES.slice(0, MANY_NAMES - 1).join(', ') + ', BOB SMITH, bob smith', terms),
    undefined,
    'only capitalised pairs are names',
  );
});

test("the search flags each hit that may hold others' data; the command leaves those out unless named with --path", async () => {
  const { root, env } = await makeVault({
    files: {
      'Members/0042/letter.docx': makeDocx(["Dear Siobhán O'Neill"]),
      'Branch/members.csv': `name,email\nSiobhan O'Neill,s.oneill@example.org\n${NAMES.map((n) => `${n},x@example.org`).join('\n')}\n`,
      'Branch/minutes.txt': `Present: Siobhan O'Neill, ${NAMES.join(', ')}.`,
    },
  });
  const searched = await run(['sar', 'search', "siobhan o'neill", '--json'], env);
  assert.equal(searched.code, 0, searched.stderr);
  const hits = (JSON.parse(searched.stdout) as { hits: { path: string; mayHoldOthers?: string }[] }).hits;
  assert.deepEqual(
    hits.map((h) => [h.path, h.mayHoldOthers]),
    [
      ['Branch/members.csv', 'it is a spreadsheet or table, which usually lists many people'],
      ['Branch/minutes.txt', `it holds ${NAMES.length} different names`],
      ['Members/0042/letter.docx', undefined],
    ],
  );

  const zip = join(root, 'out', 'SAR-1.zip');
  const exported = await run(['sar', 'export', "siobhan o'neill", '--zip', zip], env);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(
    exported.stdout,
    /Exported 1 file and a manifest to .*\nLeft out, as they may hold other members' data \(check, then name any that belong with --path\):\n {2}Branch\/members\.csv: it is a spreadsheet/,
  );
  assert.match(exported.stdout, /\n {2}Branch\/minutes\.txt: it holds 11 different names\n/);
  assert.deepEqual(Object.keys(unzipSync(new Uint8Array(await readFile(zip)))).sort(), ['MANIFEST.csv', 'MANIFEST.html', 'files/Members/0042/letter.docx']);

  const chosen = join(root, 'out', 'chosen');
  const named = await run(['sar', 'export', "siobhan o'neill", '--to', chosen, '--path', 'Branch/members.csv'], env);
  assert.equal(named.code, 0, named.stderr);
  assert.ok((await readFile(join(chosen, 'files', 'Branch', 'members.csv'), 'utf8')).startsWith('name,email'), 'a file named with --path is exported');

  const only = await run(['sar', 'export', 'bob smith', '--to', join(root, 'out', 'none')], env);
  assert.equal(only.code, 2, 'every hit flagged: nothing exported');
  assert.match(only.stdout, /Left out, as they may hold/);
  assert.match(
    only.stderr,
    /^casevault: every file found may hold other members' data, so nothing was exported; check them \(listed above\) and name the ones to export with --path\.\n$/,
  );
});

test('the default destination: Documents, else the Desktop, else home; named after the reference and the day; never a name taken', async () => {
  assert.equal(requestName('SAR-2026-014'), 'SAR-2026-014');
  assert.equal(requestName('sar 7'), 'sar 7');
  assert.equal(requestName('2026/014'), 'SAR 2026-014');
  assert.equal(requestName('  '), 'Subject access request');
  assert.equal(requestName(undefined), 'Subject access request');
  const home = await tempDir('sar-home');
  const now = new Date('2026-12-05T10:00:00Z');
  assert.equal(await defaultDestination({ reference: 'SAR-2026-014', zip: true, locale: 'en-GB', now, home }), join(home, 'SAR-2026-014 (5 Dec 2026).zip'));
  await mkdir(join(home, 'Desktop'));
  assert.equal(await defaultDestination({ zip: false, locale: 'en-GB', now, home }), join(home, 'Desktop', 'Subject access request (5 Dec 2026)'));
  await mkdir(join(home, 'Documents'));
  await writeFile(join(home, 'Documents', 'SAR 14 (05.12.2026).zip'), '');
  assert.equal(await defaultDestination({ reference: '14', zip: true, locale: 'de-DE', now, home }), join(home, 'Documents', 'SAR 14 (05.12.2026) 2.zip'));
  assert.equal(await defaultDestination({ reference: '14', zip: true, locale: 'en-US', now, home }), join(home, 'Documents', 'SAR 14 (Dec 5, 2026).zip'));
});
