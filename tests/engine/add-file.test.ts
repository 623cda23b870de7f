// A dropped file whose name is taken, through the engine with a real vault:
// nothing is written without a choice; keep both adds it as "name (added
// <day>).ext" (then ", 2"); replace first seals the old version into the
// cloud copy's trash (opened back there with the vault's keys, byte for
// byte) and is recorded; a replace that cannot keep the old version replaces
// nothing; a vault folder that is missing or replaced by an empty one takes
// no file (it would make the next pass take every other file for deleted).
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileNameDay } from '../../contract/index.js';
import { openObjectToBytes, openKeyFile, parseKeyFile } from '../../crypto/index.js';
import { Engine } from '../../engine/engine.js';
import { addedName } from '../../engine/mirror/add-file.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const bytes = (s: string) => [new TextEncoder().encode(s)];

test('a taken name: nothing written without a choice; keep both with the day in the name; the check lists taken names', async () => {
  const v = await makeVault({ files: { 'Branch/branch members.csv': 'old list', notes: 'no extension' } });
  const engine = new Engine(v.home, { ...v.env, LANG: 'en_GB.UTF-8' });
  assert.deepEqual(await engine.addFileCheck(['Branch/branch members.csv', 'Branch/new.csv', 'notes']), { existing: ['Branch/branch members.csv', 'notes'] });

  assert.deepEqual(await engine.addFile('Branch/new.csv', bytes('new')), { path: 'Branch/new.csv', outcome: 'added' });
  assert.deepEqual(await engine.addFile('Branch/branch members.csv', bytes('new list')), { path: 'Branch/branch members.csv', outcome: 'exists' });
  assert.equal(await readFile(join(v.vault, 'Branch', 'branch members.csv'), 'utf8'), 'old list', 'nothing written');

  const day = fileNameDay(new Date(), 'en-GB');
  assert.match(day, /^\d{1,2} [A-Z][a-z]{2,3} \d{4}$/, 'e.g. 5 Dec 2026');
  const first = await engine.addFile('Branch/branch members.csv', bytes('new list'), 'keep-both');
  assert.deepEqual(first, { path: `Branch/branch members (added ${day}).csv`, outcome: 'kept-both' });
  const second = await engine.addFile('Branch/branch members.csv', bytes('newer list'), 'keep-both');
  assert.equal(second.path, `Branch/branch members (added ${day}, 2).csv`);
  assert.equal(await readFile(join(v.vault, 'Branch', 'branch members.csv'), 'utf8'), 'old list');
  assert.equal(await readFile(join(v.vault, ...second.path.split('/')), 'utf8'), 'newer list');
  assert.equal((await engine.addFile('notes', bytes('x'), 'keep-both')).path, `notes (added ${day})`);
  assert.equal(addedName('/v/.profile', '5 Dec 2026', 1), '/v/.profile (added 5 Dec 2026)', 'a dot-file has no extension');
  assert.deepEqual(
    (await readdir(join(v.vault, 'Branch'))).filter((n) => n.startsWith('.')),
    [],
    'no temporary file is left',
  );
});

test('replace: the old version is sealed into the cloud trash first, and it opens there byte for byte; without the cloud, nothing is replaced', async () => {
  const v = await makeVault({ files: { 'Member 7/letter.txt': 'the first letter' }, synced: true });
  const r = await v.engine.addFile('Member 7/letter.txt', bytes('the second letter'), 'replace');
  assert.deepEqual(r, { path: 'Member 7/letter.txt', outcome: 'replaced', trashDays: 30 });
  assert.equal(await readFile(join(v.vault, 'Member 7', 'letter.txt'), 'utf8'), 'the second letter');

  const trash = await readdir(join(v.cloud, 'trash'));
  assert.equal(trash.length, 1);
  const keys = await openKeyFile(parseKeyFile(await readFile(join(v.cloud, 'casevault.key'))), { passphrase: PASSPHRASE });
  const idHex = trash[0]!.split('-')[1]!;
  const kept = await openObjectToBytes(keys, Buffer.from(idHex, 'hex'), await readFile(join(v.cloud, 'trash', trash[0]!)));
  assert.equal(kept.meta.path, 'Member 7/letter.txt');
  assert.equal(new TextDecoder().decode(kept.content), 'the first letter');

  await v.engine.unlock({ passphrase: PASSPHRASE });
  assert.ok((await v.engine.auditEntries()).some((e) => e.event === 'file replaced by a dropped file'));

  await rename(v.cloud, `${v.cloud}-away`);
  await assert.rejects(v.engine.addFile('Member 7/letter.txt', bytes('a third letter'), 'replace'), { name: 'Refused' });
  assert.equal(await readFile(join(v.vault, 'Member 7', 'letter.txt'), 'utf8'), 'the second letter', 'not replaced');
});

test('a vault folder that is missing, or empty and not the folder synced before, takes no dropped file; the next sync then trashes nothing', async () => {
  const v = await makeVault({ files: { 'Case A/a.txt': 'a', 'Case B/b.txt': 'b' }, synced: true });
  const engine = new Engine(v.home, v.env);
  const away = `${v.vault}-on-the-unplugged-drive`;
  await rename(v.vault, away);
  await assert.rejects(
    engine.addFile('letter.txt', bytes('new letter')),
    (e: Error) =>
      e.name === 'Refused' &&
      e.message === `the vault folder ${v.vault} is missing, so nothing is added` &&
      (e as Error & { next?: string }).next === 'put-vault-folder-back',
  );
  await assert.rejects(readdir(v.vault), { code: 'ENOENT' }, 'no new vault folder was made');
  await mkdir(v.vault); // an empty mount point left behind
  await assert.rejects(
    engine.addFile('letter.txt', bytes('new letter')),
    (e: Error) => e.name === 'Refused' && /is empty and is not the folder synced before .*then add the file again$/.test(e.message),
  );
  assert.deepEqual(await readdir(v.vault), []);
  const pass = await v.cli(['sync']);
  assert.equal(pass.code, 1, 'the empty folder is still refused, as nothing was added to it');
  assert.deepEqual(await readdir(join(v.cloud, 'trash')).catch(() => []), [], 'nothing went to the cloud trash');
});
