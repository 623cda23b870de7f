// Subject access search through the engine, over a real vault: matching,
// odd names, damaged and oversized files, limits, locking and the audit trail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strToU8 } from 'fflate';
import { searchVault } from '../../engine/sar/search.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import { makeVault, writeFiles } from '../helpers/vault.js';
import { makeDocx, makeEml, makePdf } from './fixtures.js';

/** A plain folder holding `files`: the search itself needs no vault set up (the engine's checks are tested below). */
async function folder(files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = await tempDir('sar-search');
  await writeFiles(dir, files);
  return dir;
}

const paths = (r: { hits: { path: string }[] }) => r.hits.map((h) => h.path);

test('finds a member in names and text, whatever the case, accents, apostrophes and spacing; leaves the rest', async () => {
  const dir = await folder({
    'Members/Siobhan_ONeill/notes.md': '# Notes\nNothing about anyone.',
    'Members/0042/letter.docx': makeDocx(['Dear Ms SIOBHÁN   O’NEILL,', 'Your grievance…']),
    'Members/0042/hearing.pdf': makePdf([['Cover page'], ["Attending: siobhan o'neill"]]),
    'Inbox/mail.eml': makeEml({ from: 's.oneill@example.org', to: 'rep@union.example', subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' }),
    'Branch/export.csv': new Uint8Array(Buffer.from("name,ref\nSiobhán O'Neill,M-0042\n", 'latin1')),
    'Branch/rota.txt': 'Bob Smith early\nPriya Shah late\n',
    'Branch/photo.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
  });
  const r = await searchVault(dir, ["Siobhan  O'Neill", 'S.ONeill@Example.org']);
  assert.deepEqual(paths(r), ['Branch/export.csv', 'Inbox/mail.eml', 'Members/0042/hearing.pdf', 'Members/0042/letter.docx']);
  assert.equal(r.searched, 7);
  assert.deepEqual(r.unreadable, []);
  const letter = r.hits.find((h) => h.path === 'Members/0042/letter.docx')!;
  assert.deepEqual(letter.where, ['content']);
  assert.deepEqual(letter.terms, ["Siobhan  O'Neill"]);
  assert.match(letter.snippet!, /Dear Ms SIOBHÁN O’NEILL/);
  assert.equal(letter.size > 0 && !Number.isNaN(Date.parse(letter.mtime)), true);
  assert.deepEqual(r.hits.find((h) => h.path === 'Inbox/mail.eml')!.terms, ['S.ONeill@Example.org']);

  const byName = await searchVault(dir, ['siobhan oneill']);
  const named = byName.hits.find((h) => h.path === 'Members/Siobhan_ONeill/notes.md')!;
  assert.deepEqual(named.where, ['name'], 'underscores in a name count as spaces');
  assert.equal(named.snippet, undefined);
});

test('the snippet is the text around the first match, cut with … on long text', async () => {
  const long = `${'lorem ipsum '.repeat(2000)}meeting with Priya Shah on Tuesday ${'dolor sit '.repeat(2000)}`;
  const dir = await folder({ 'long.txt': long });
  const [hit] = (await searchVault(dir, ['priya shah'])).hits;
  assert.match(hit!.snippet!, /^….*meeting with Priya Shah on Tuesday.*…$/);
  assert.ok(hit!.snippet!.length < 200);
});

test('odd names: spaces, NFC and NFD spellings side by side (both found, kept apart), a very long name', async () => {
  const nfc = 'Members/Zoë Ng/letter.txt';
  const nfd = 'Members/Zoe\u0308 Ng/letter.txt';
  const longName = `Members/${'very long folder name '.repeat(8).trim()}/${'x'.repeat(200)} Zoe Ng.txt`;
  const dir = await folder({ [nfc]: 'one', [nfd]: 'two', [longName]: 'three', 'other.txt': 'nothing' });
  const r = await searchVault(dir, ['zoe ng']);
  assert.deepEqual(new Set(paths(r)), new Set([nfc, nfd, longName]));
  assert.equal(r.hits.length, 3);
});

test('damaged, disguised and unsupported files: reported with a plain reason while the rest is found', async () => {
  const good = makeDocx(['Tom Okafor']);
  const dir = await folder({
    'good.docx': good,
    'damaged.docx': good.subarray(0, 300),
    'damaged.pdf': makePdf([['Tom Okafor']]).subarray(0, 40),
    'not really.pdf': 'Tom Okafor, typed into a text file and named .pdf',
    'mail.eml': makeEml({
      from: 'a@b.example',
      to: 'c@d.example',
      subject: 'Tom Okafor',
      text: 'x',
      html: '<p>x</p>',
      attachments: [{ name: 'broken.pdf', type: 'application/pdf', bytes: strToU8('%PDF-1.4 broken') }],
    }),
  });
  const r = await searchVault(dir, ['tom okafor']);
  assert.deepEqual(paths(r), ['good.docx', 'mail.eml']);
  assert.deepEqual(r.unreadable, [
    { path: 'damaged.docx', reason: 'it is damaged or not a real DOCX file' },
    { path: 'damaged.pdf', reason: 'it is damaged or not a real PDF file' },
    { path: 'not really.pdf', reason: 'it is damaged or not a real PDF file' },
  ]);
});

test('a file over the size limit is searched by name only and reported; a file too slow to read is stopped and reported', async () => {
  const dir = await folder({ 'Tom Okafor big.txt': 'x'.repeat(5000), 'big mention.txt': `Tom Okafor ${'x'.repeat(5000)}`, 'small.txt': 'Tom Okafor' });
  const r = await searchVault(dir, ['tom okafor'], { maxBytes: 1000 });
  assert.deepEqual(paths(r), ['Tom Okafor big.txt', 'small.txt']);
  assert.deepEqual(
    r.unreadable.map((u) => u.path),
    ['Tom Okafor big.txt', 'big mention.txt'],
  );
  assert.match(r.unreadable[0]!.reason, /larger than .* only its name was searched/);

  // A time limit shorter than a worker takes to start: every file times out, each worker is replaced, the search ends.
  const slow = await searchVault(dir, ['tom okafor'], { timeoutMs: 1 });
  assert.equal(slow.unreadable.length, 3);
  assert.ok(slow.unreadable.every((u) => /took more than 1 second/.test(u.reason)));
  assert.deepEqual(paths(slow), ['Tom Okafor big.txt']);
  assert.equal((await searchVault(dir, ['tom okafor'])).hits.length, 3, 'the next search reads normally');
});

test('needs the vault unlocked; checks the terms; records the search without the terms when there is a reference', async () => {
  const v = await makeVault({ files: { 'a.txt': 'Priya Shah' } });
  await assert.rejects(v.engine.sarSearch({ terms: ['priya'] }), { name: 'Locked' });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await assert.rejects(v.engine.sarSearch({ terms: [] }), { name: 'UsageError' });
  await assert.rejects(v.engine.sarSearch({ terms: ['  a  '] }), { name: 'UsageError' });
  await assert.rejects(v.engine.sarSearch({ terms: ['\u0301\u0301'] }), { name: 'UsageError' }, 'accents alone fold to nothing');
  await v.engine.sarSearch({ terms: ['priya shah'], reference: 'SAR-7' });
  await v.engine.sarSearch({ terms: ['priya shah'] });
  const audit = (await v.engine.auditEntries()).filter((e) => e.event === 'subject access search').map((e) => e.detail);
  assert.deepEqual(audit, ['reference SAR-7: 1 file found', 'search terms "priya shah": 1 file found']);
});

test('progress events while searching', async () => {
  const v = await makeVault({ files: { 'a.txt': 'x', 'b.txt': 'y' }, unlocked: true });
  const seen: { task: string; filesDone: number; filesTotal: number }[] = [];
  v.engine.events.on('progress', (p) => seen.push(p));
  await v.engine.sarSearch({ terms: ['xy'] });
  assert.deepEqual(seen.at(-1), { task: 'search', filesDone: 2, filesTotal: 2, bytesDone: 2, bytesTotal: 2 });
});
