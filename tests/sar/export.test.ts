// Subject access export: folder and zip, byte for byte, the manifest and its
// SHA-256s, and every refusal. One real vault for the whole file: exporting
// never changes it, which the last test checks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { resolveDestination } from '../../engine/sar/export.js';
import { CSV_COLUMNS } from '../../engine/sar/manifest.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { listFiles, readTree, tempDir } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { makeDocx, makePdf } from './fixtures.js';

const FILES: Record<string, Uint8Array | string> = {
  'Members/0042/letter.docx': makeDocx(['Dear Siobhán O’Neill']),
  'Members/0042/hearing notes.pdf': makePdf([["Siobhan O'Neill hearing"]]),
  'Members/Zoë Ng/=cmd.txt': 'a name a spreadsheet would run as a formula',
  'Branch/rota.csv': 'name\nBob\n',
};
const CHOSEN = ['Members/0042/letter.docx', 'Members/0042/hearing notes.pdf', 'Members/Zoë Ng/=cmd.txt'];
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

const v = await makeVault({ files: FILES, unlocked: true });
const out = await tempDir('sar-out');

/** The manifest's file rows: after the request block and the header row. */
function manifestRows(csv: string): string[] {
  const lines = csv.split('\r\n');
  const header = lines.indexOf(CSV_COLUMNS.join(','));
  assert.ok(header > 0, 'header row');
  return lines.slice(header + 1).filter(Boolean);
}

test('to a folder: the chosen files byte for byte at their vault paths under files/, with their times, and the manifest', async () => {
  const to = join(out, 'folder');
  const r = await v.engine.sarExport({ terms: ["Siobhan O'Neill"], paths: CHOSEN, reference: 'SAR-2026-014', to, zip: false });
  assert.deepEqual(r, {
    files: 3,
    bytes: CHOSEN.reduce((n, p) => n + Buffer.byteLength(FILES[p]!), 0),
    to,
    zip: false,
    manifest: ['MANIFEST.csv', 'MANIFEST.html'],
    failed: [],
    leftoversRemoved: 0,
  });
  const tree = await readTree(to);
  assert.deepEqual([...tree.keys()].sort(), ['MANIFEST.csv', 'MANIFEST.html', ...CHOSEN.map((p) => `files/${p}`)].sort());
  for (const p of CHOSEN) {
    assert.deepEqual(new Uint8Array(tree.get(`files/${p}`)!), new Uint8Array(Buffer.from(FILES[p]!)), p);
    const drift = (await stat(join(to, 'files', ...p.split('/')))).mtimeMs - (await stat(join(v.vault, ...p.split('/')))).mtimeMs;
    assert.ok(Math.abs(drift) < 1, `${p}: last-modified time kept`);
  }
  const csv = tree.get('MANIFEST.csv')!.toString('utf8');
  assert.match(csv, /^Request reference,SAR-2026-014\r\nSearch terms,Siobhan O'Neill\r\nExported at,\d{4}-\d\d-\d\dT[\d:.]+Z\r\nNumber of files,3\r\n\r\n/);
  const rows = manifestRows(csv);
  assert.equal(rows.length, 3);
  for (const p of CHOSEN) {
    const mtime = new Date((await stat(join(v.vault, ...p.split('/')))).mtimeMs).toISOString();
    assert.ok(rows.includes([`files/${p}`, p, Buffer.byteLength(FILES[p]!), mtime, sha(FILES[p]!)].join(',')), p);
  }
  const html = tree.get('MANIFEST.html')!.toString('utf8');
  assert.match(html, /<h1>Subject access request SAR-2026-014<\/h1>/);
  assert.match(html, /Number of files: 3/);
  for (const p of CHOSEN) assert.ok(html.includes(sha(FILES[p]!)), p);
  assert.ok(html.includes('Zoë Ng/=cmd.txt'));
});

test('a cell a spreadsheet would run as a formula is written as plain text', async () => {
  const to = join(out, 'formula');
  await v.engine.sarExport({ terms: ['=SUM(A1)'], paths: ['Members/Zoë Ng/=cmd.txt'], to, zip: false });
  const csv = await readFile(join(to, 'MANIFEST.csv'), 'utf8');
  assert.match(csv, /\r\nSearch terms,'=SUM\(A1\)\r\n/);
  assert.match(csv, /\r\nfiles\/Members\/Zoë Ng\/=cmd\.txt,Members\/Zoë Ng\/=cmd\.txt,/, 'paths that only contain = are left as they are');
});

test('to a zip: exactly the chosen files byte for byte and the manifest; written under a temporary name', async () => {
  const zipPath = join(out, 'nested', 'SAR.zip');
  const r = await v.engine.sarExport({ terms: ['siobhan'], paths: CHOSEN.slice(0, 2), to: zipPath, zip: true });
  assert.equal(r.files, 2);
  const zip = unzipSync(new Uint8Array(await readFile(zipPath)));
  assert.deepEqual(Object.keys(zip).sort(), ['MANIFEST.csv', 'MANIFEST.html', 'files/Members/0042/hearing notes.pdf', 'files/Members/0042/letter.docx']);
  for (const p of CHOSEN.slice(0, 2)) assert.deepEqual(zip[`files/${p}`], new Uint8Array(Buffer.from(FILES[p]!)), p);
  const rows = manifestRows(strFromU8(zip['MANIFEST.csv']!));
  assert.deepEqual(
    rows.map((row) => row.split(',').at(-1)),
    CHOSEN.slice(0, 2).map((p) => sha(FILES[p]!)),
  );
  assert.deepEqual(await listFiles(join(out, 'nested')), ['SAR.zip'], 'no temporary file is left');
});

test('refusals: a non-empty folder, an existing zip, a path outside the vault or not in it, a destination inside the vault or cloud folder, no file', async () => {
  const busy = join(out, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'keep.txt'), 'mine');
  const existing = join(out, 'existing.zip');
  await writeFile(existing, 'not ours');
  const base = { terms: ['siobhan'], paths: CHOSEN };
  await assert.rejects(v.engine.sarExport({ ...base, to: busy, zip: false }), { name: 'UsageError', message: /not empty/ });
  await assert.rejects(v.engine.sarExport({ ...base, to: existing, zip: true }), { name: 'UsageError', message: /already exists/ });
  await assert.rejects(v.engine.sarExport({ ...base, to: existing, zip: false }), { name: 'UsageError', message: /is a file/ });
  for (const bad of ['../home/config.json', '/etc/passwd', 'Members/../../home/config.json', 'Members/0042/missing.txt', 'Members/0042']) {
    await assert.rejects(v.engine.sarExport({ ...base, paths: [bad], to: join(out, 'never'), zip: true }), { name: 'UsageError' }, bad);
  }
  await assert.rejects(v.engine.sarExport({ ...base, to: join(v.vault, 'SAR.zip'), zip: true }), { name: 'UsageError', message: /outside the vault/ });
  await assert.rejects(v.engine.sarExport({ ...base, to: join(v.cloud, 'SAR'), zip: false }), { name: 'UsageError', message: /outside the vault/ });
  await assert.rejects(v.engine.sarExport({ ...base, paths: [], to: join(out, 'never'), zip: true }), { name: 'UsageError' });
  assert.equal(await readFile(join(busy, 'keep.txt'), 'utf8'), 'mine');
  assert.equal(await readFile(existing, 'utf8'), 'not ours');
  assert.deepEqual(await listFiles(out).then((f) => f.filter((p) => p.startsWith('never'))), []);
});

test('a link inside the vault is not a vault file: it cannot be exported', async () => {
  const w = await makeVault({ files: { 'a.txt': 'Priya Shah' }, unlocked: true });
  const secret = join(w.root, 'outside.txt');
  await writeFile(secret, 'not in the vault');
  await symlink(secret, join(w.vault, 'link.txt'));
  await assert.rejects(w.engine.sarExport({ terms: ['priya'], paths: ['link.txt'], to: join(out, 'link.zip'), zip: true }), { name: 'UsageError' });
});

test('needs the vault unlocked; records the export (reference, count, kind, destination)', async () => {
  await v.engine.lock();
  await assert.rejects(v.engine.sarExport({ terms: ['siobhan'], paths: CHOSEN, to: join(out, 'locked'), zip: false }), { name: 'Locked' });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  const audit = (await v.engine.auditEntries()).filter((e) => e.event === 'subject access export').map((e) => e.detail);
  assert.deepEqual(audit.slice(0, 3), [
    `reference SAR-2026-014: 3 files to the folder ${join(out, 'folder')}`,
    `search terms "=SUM(A1)": 1 file to the folder ${join(out, 'formula')}`,
    `search terms "siobhan": 2 files to the zip file ${join(out, 'nested', 'SAR.zip')}`,
  ]);
});

test('the vault is unchanged by every export above', async () => {
  const tree = await readTree(v.vault);
  assert.deepEqual([...tree.keys()].sort(), Object.keys(FILES).sort());
  for (const [p, content] of Object.entries(FILES)) assert.deepEqual(new Uint8Array(tree.get(p)!), new Uint8Array(Buffer.from(content)), p);
});

test('destinations: ~ is the home folder, a relative path is from the current folder', () => {
  assert.equal(resolveDestination('~/Desktop/SAR-1.zip'), join(homedir(), 'Desktop', 'SAR-1.zip'));
  assert.equal(resolveDestination('~'), homedir());
  assert.equal(resolveDestination('out/SAR'), resolve('out/SAR'));
  assert.equal(resolveDestination('~other/x'), resolve('~other/x'), "another user's ~ is not guessed");
});
