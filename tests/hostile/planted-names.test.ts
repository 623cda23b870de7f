// The cloud names its own files: a name planted in the cloud folder with a
// line break in it (`objects/1c/odd\nname`) was printed as it was by
// `verify --cloud` and `recover`, so the cloud could add a line of its own
// choosing to their reports. Every name the cloud or the backup folder chose
// is printed with its control characters escaped (cli/printable.ts).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { printable } from '../../cli/printable.js';
import { run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const FAKE = 'Checked 0 objects: everything is fine';

test('printable escapes control, formatting and line-separating characters, and leaves genuine names as they are', () => {
  assert.equal(printable('objects/1c/1c0f-ab_.x'), 'objects/1c/1c0f-ab_.x');
  assert.equal(printable('a\nb\rc\td\\e'), 'a\\nb\\rc\\td\\\\e');
  assert.equal(printable('\x1b[2J\x00\x7f\x9b'), '\\x1b[2J\\x00\\x7f\\x9b');
  assert.equal(printable('x\u2028y\u202ez'), 'x\\u{2028}y\\u{202e}z');
});

test('a name with a line break planted in the cloud prints on one line in verify --cloud and recover', async () => {
  const v = await makeVault({ files: { 'case/notes.txt': 'notes' }, synced: true });
  await mkdir(join(v.cloud, 'objects', '1c'), { recursive: true });
  await writeFile(join(v.cloud, 'objects', '1c', `odd\n${FAKE}`), 'planted');

  const verify = await run(['verify', '--cloud'], v.env);
  assert.equal(verify.code, 3, verify.stdout + verify.stderr);
  const lines = verify.stdout.split('\n');
  assert.ok(!lines.includes(FAKE), 'no line of the cloud’s own');
  assert.ok(
    lines.some((l) => l.includes(`odd\\n${FAKE}`)),
    verify.stdout,
  );

  const home = join(v.root, 'home-recovered');
  const rec = await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'recovered')], { ...v.env, CASEVAULT_HOME: home });
  const out = rec.stdout.split('\n');
  assert.ok(!out.includes(FAKE), rec.stdout + rec.stderr);
  assert.ok(
    out.some((l) => l.startsWith('Not recovered: ') && l.includes(`odd\\n${FAKE}`)),
    rec.stdout + rec.stderr,
  );
});
