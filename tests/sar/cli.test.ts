// The `casevault sar` contract, with real processes: output, exit codes
// (0 done, 1 some files unreadable, 2 usage, 4 wrong passphrase), and file
// names only ever on stdout.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { run, type RunResult } from '../helpers/cli.js';
import { listFiles } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { makeDocx, makePdf } from './fixtures.js';

const FILES = {
  'Members/0042/letter.docx': makeDocx(['Dear Siobhán O’Neill']),
  'Members/0042/hearing.pdf': makePdf([["Hearing: SIOBHAN O'NEILL"]]),
  'Branch/rota.csv': 'name\nBob\n',
};

/** One plain sentence on stderr, in the contract's form, naming no file of the vault. */
function assertPlainError(r: RunResult): void {
  assert.match(r.stderr, /^casevault: [^\n]+\.\n$/);
  for (const name of ['letter', 'hearing', 'rota', 'broken', 'Members']) assert.ok(!r.stderr.includes(name), `stderr names ${name}: ${r.stderr}`);
}

test('sar search and sar export from the command line', async () => {
  const { root, vault, env } = await makeVault({ files: FILES });

  const found = await run(['sar', 'search', "siobhan o'neill", '--reference', 'SAR-9'], env);
  assert.equal(found.code, 0, found.stderr);
  assert.equal(found.stderr, '');
  assert.deepEqual(found.stdout.split('\n'), [
    'Found 2 files (of 3 searched).',
    "Members/0042/hearing.pdf  [content]  Hearing: SIOBHAN O'NEILL",
    'Members/0042/letter.docx  [content]  Dear Siobhán O’Neill',
    '',
  ]);

  const json = await run(['sar', 'search', 'bob', 'M-0042', '--json'], env);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { hits: { path: string; terms: string[]; where: string[] }[]; unreadable: unknown[]; searched: number };
  assert.deepEqual(
    report.hits.map((h) => [h.path, h.terms, h.where]),
    [['Branch/rota.csv', ['bob'], ['content']]],
  );
  assert.equal(report.searched, 3);

  const zip = join(root, 'out', 'SAR-9.zip');
  const exported = await run(['sar', 'export', "Siobhan O'Neill", '--zip', zip, '--reference', 'SAR-9'], env);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, new RegExp(`\nExported 2 files and a manifest to ${zip}\\.\n$`));
  const entries = unzipSync(new Uint8Array(await readFile(zip)));
  assert.deepEqual(Object.keys(entries).sort(), ['MANIFEST.csv', 'MANIFEST.html', 'files/Members/0042/hearing.pdf', 'files/Members/0042/letter.docx']);
  assert.deepEqual(entries['files/Members/0042/letter.docx'], FILES['Members/0042/letter.docx']);
  assert.match(strFromU8(entries['MANIFEST.csv']!), /^Request reference,SAR-9\r\n/);

  const again = await run(['sar', 'export', "Siobhan O'Neill", '--zip', zip], env);
  assert.equal(again.code, 2, 'an existing zip is refused');
  assertPlainError(again);

  const folder = join(root, 'out', 'folder');
  const one = await run(['sar', 'export', 'siobhan', '--to', folder, '--path', 'Members/0042/letter.docx', '--json'], env);
  assert.equal(one.code, 0, one.stderr);
  assert.equal((JSON.parse(one.stdout) as { export: { files: number } }).export.files, 1);
  assert.deepEqual(await listFiles(folder), ['MANIFEST.csv', 'MANIFEST.html', 'files/Members/0042/letter.docx']);

  const busy = join(root, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'x'), 'x');
  for (const [args, why] of [
    [['sar', 'search'], 'no term'],
    [['sar', 'export', 'siobhan'], 'neither --to nor --zip'],
    [['sar', 'export', 'siobhan', '--to', join(root, 'a'), '--zip', join(root, 'a.zip')], 'both --to and --zip'],
    [['sar', 'export', 'siobhan', '--to', busy], 'a folder that is not empty'],
    [['sar', 'export', 'siobhan', '--zip', join(root, 'b.zip'), '--path', '../home/config.json'], 'a path outside the vault'],
    [['sar', 'export', 'nobody-at-all', '--zip', join(root, 'c.zip')], 'nothing found'],
  ] as const) {
    const r = await run([...args], env);
    assert.equal(r.code, 2, `${why}: ${r.stderr}`);
    assertPlainError(r);
  }
  assert.deepEqual(await listFiles(busy), ['x']);

  const wrong = await run(['sar', 'search', 'siobhan'], { ...env, CASEVAULT_PASSPHRASE: 'not the passphrase at all' });
  assert.equal(wrong.code, 4);
  assertPlainError(wrong);

  // A damaged file: listed on stdout, exit 1, and everything else is still exported.
  await writeFile(join(vault, 'Members', '0042', 'broken.pdf'), "%PDF-1.4 siobhan o'neill, cut short");
  const partialSearch = await run(['sar', 'search', "siobhan o'neill"], env);
  assert.equal(partialSearch.code, 1);
  assert.match(partialSearch.stdout, /\nNot searched inside: Members\/0042\/broken\.pdf: it is damaged or not a real PDF file\n/);
  assertPlainError(partialSearch);
  const partial = await run(['sar', 'export', "siobhan o'neill", '--to', join(root, 'out', 'partial')], env);
  assert.equal(partial.code, 1);
  assertPlainError(partial);
  assert.match(partial.stdout, /Exported 2 files and a manifest to /);
  assert.deepEqual(await listFiles(join(root, 'out', 'partial')), [
    'MANIFEST.csv',
    'MANIFEST.html',
    'files/Members/0042/hearing.pdf',
    'files/Members/0042/letter.docx',
  ]);

  const audit = await run(['audit', '--json'], env);
  const sar = (JSON.parse(audit.stdout) as { event: string; detail?: string }[]).filter((e) => e.event.startsWith('subject access'));
  assert.deepEqual(
    sar.slice(0, 3).map((e) => `${e.event}: ${e.detail}`),
    [
      'subject access search: reference SAR-9: 2 files found',
      'subject access search: search terms "bob", "M-0042": 1 file found',
      'subject access search: reference SAR-9: 2 files found',
    ],
  );
  assert.ok(sar.some((e) => e.detail === `reference SAR-9: 2 files to the zip file ${zip}`));
});

test("an export stopped part-way: the next export into that folder removes Casevault's own leftover temporary files, and says so", async () => {
  const { root, env } = await makeVault({ files: FILES });
  const out = join(root, 'usb');
  await mkdir(out);
  // What a zip export killed mid-write leaves: a hidden temporary file of tempName's form, holding members' data.
  const leftover = join(out, '.casevault-tmp-fb2767ea00000004');
  await writeFile(leftover, 'files/Members/0042/letter.docx Dear Siobhán O’Neill');
  const lookalike = join(out, '.casevault-tmp-my-notes');
  await writeFile(lookalike, 'a person’s own file');

  const zip = await run(['sar', 'export', "siobhan o'neill", '--zip', join(out, 'for-member.zip')], env);
  assert.equal(zip.code, 0, zip.stderr);
  assert.match(zip.stdout, /^Removed 1 file an earlier export left behind when it was stopped part-way \(hidden temporary copies of members' data\)\.$/m);
  assert.deepEqual((await listFiles(out)).sort(), ['.casevault-tmp-my-notes', 'for-member.zip'], 'only the leftover of Casevault’s own form went');

  // A folder export killed part-way: its temporary files are inside the folder; the next export there removes them and says so.
  const folder = join(root, 'sar-folder');
  await mkdir(join(folder, 'files', 'Members', '0042'), { recursive: true });
  await writeFile(join(folder, 'files', 'Members', '0042', '.casevault-tmp-0123456789abcdef'), 'Dear Siobhán');
  const again = await run(['sar', 'export', "siobhan o'neill", '--to', folder], env);
  assert.equal(again.code, 2);
  assertPlainError(again);
  assert.match(again.stderr, /not empty \(1 file left by an earlier export that was stopped was removed from it\)/);
  assert.deepEqual(await listFiles(folder), []);
});
