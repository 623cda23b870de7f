// The trails other computers left in the cloud: a successor sees the
// predecessor's (carried over by the handover copy), each trail's chain is
// checked, and one written before a key rotation is read with the earlier keys.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';
import { failsWith, handover, NEW_PASSPHRASE, ok } from '../handover/helpers.js';
import { ROTATED } from '../rotate/helpers.js';

test("audit --others: the successor reads the predecessor's trail from the handover copy; an edited line is reported (exit 3)", async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a') }, synced: true });
  const copy = join(v.root, 'handover');
  ok(await handover(v, copy), 'handover');
  const env = { CASEVAULT_HOME: join(v.root, 'successor-home'), CASEVAULT_PASSPHRASE: NEW_PASSPHRASE };
  ok(await run(['recover', '--cloud', copy, '--vault', join(v.root, 'successor')], env), 'recover');
  const r = ok(await run(['audit', '--others'], env), 'audit --others');
  assert.match(r.stdout, /Computer [0-9a-f]{8}: \d+ entries; the chain is intact/);
  assert.match(r.stdout, /vault created/);
  const json = JSON.parse(ok(await run(['audit', '--others', '--json'], env), 'json').stdout) as { ok: boolean; entries: { event: string }[] }[];
  assert.ok(json.every((t) => t.ok));
  assert.ok(
    json.some((t) => t.entries.some((e) => e.event === 'vault created')),
    "the predecessor's trail",
  );

  const own = `${JSON.parse(await readFile(join(env.CASEVAULT_HOME, 'config.json'), 'utf8')).deviceId}.log`;
  const logs = await Promise.all(
    (await readdir(join(copy, 'audit')))
      .filter((n) => n !== own)
      .map(async (n) => ({ path: join(copy, 'audit', n), lines: (await readFile(join(copy, 'audit', n), 'utf8')).trim().split('\n') })),
  );
  const { path, lines } = logs.sort((a, b) => b.lines.length - a.lines.length)[0]!; // the predecessor's, the longest
  assert.ok(lines.length >= 2);
  await writeFile(path, `${lines.join('\n')}\nnot an audit line\n`); // a malformed line at the end: reported, and the entries before it still shown
  const malformed = await run(['audit', '--others'], env);
  assert.equal(malformed.code, 3, malformed.stderr);
  assert.match(malformed.stdout, new RegExp(`NOT intact: line ${lines.length + 1} is malformed`));
  assert.match(malformed.stdout, /vault created/);
  await writeFile(path, `${lines.slice(1).join('\n')}\n`); // its first entry removed
  const bad = await run(['audit', '--others'], env);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stdout, /NOT intact: line 1 is out of sequence/);
});

test("audit --others after a key rotation: another computer's trail written under the earlier keys is read and checked with them", async () => {
  const v = await makeVault({ files: { 'a.txt': Buffer.from('a') }, synced: true });
  const lenv = { CASEVAULT_HOME: join(v.root, 'laptop-home'), CASEVAULT_PASSPHRASE: PASSPHRASE };
  ok(await run(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'laptop')], lenv), 'recover on the laptop');
  ok(await v.cli(['rotate-keys'], { CASEVAULT_NEW_PASSPHRASE: ROTATED }), 'rotate');
  const r = ok(await v.cli(['audit', '--others'], { CASEVAULT_PASSPHRASE: ROTATED }), 'audit --others');
  assert.match(r.stdout, /the chain is intact \(written under the vault's keys from before they were rotated\)/);
  assert.match(r.stdout, /vault recovered onto this computer/);
  failsWith(await run(['audit', '--others'], { ...lenv, CASEVAULT_PASSPHRASE: 'not the passphrase at all' }), 4, /passphrase/);
});
