// The handover copy carries the retention marks (finding: a case closed last
// year, kept seven years, showed on the successor's computer as past
// retention since 2018, with the default six years, and was deleted there
// without --force): the closing days, the period and the archive records are
// sealed again under the copy's keys, checked with the copy, and adopted by
// the successor's recover.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';
import { NEW_PASSPHRASE, handover, ok } from './helpers.js';

const OLD = new Date('2012-05-01T12:00:00Z');

test("the successor's retention shows the predecessor's closing days and period, and a case not yet due is not deleted without --force", async () => {
  const v = await makeVault({ files: { 'Tribunal/bundle.txt': ['tribunal bundle', OLD], 'Current/c.txt': 'c' }, synced: true });
  const closed = new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10);
  ok(await v.cli(['retention', '--years', '7']), 'retention --years');
  ok(await v.cli(['close', 'Tribunal', '--date', closed]), 'close');
  const before = JSON.parse(ok(await v.cli(['retention', '--json']), 'retention').stdout) as { years: number; cases: unknown[] };

  const copy = join(v.root, 'copy');
  ok(await handover(v, copy), 'handover');
  assert.ok((await readdir(join(copy, 'housekeeping'))).length === 1, 'the copy holds the sealed marks');

  const env = { CASEVAULT_HOME: join(v.root, 'succ-home'), CASEVAULT_PASSPHRASE: NEW_PASSPHRASE };
  ok(await run(['recover', '--cloud', copy, '--vault', join(v.root, 'succ-vault')], env), 'recover');
  const after = JSON.parse(ok(await run(['retention', '--json'], env), 'successor retention').stdout) as typeof before;
  assert.equal(after.years, 7);
  assert.deepEqual(after.cases, before.cases, "the successor's retention list is the predecessor's");
  const del = await run(['delete', 'Tribunal', '--yes'], env);
  assert.equal(del.code, 1, `a case not yet due is refused without --force: ${del.stderr}${del.stdout}`);
});
