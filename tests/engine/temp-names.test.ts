// Casevault's own temporary files are recognised by their exact form only: a
// person's file that merely starts alike is synced, backed up and never
// removed as a leftover by a restore into the vault.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isTempName, tempName } from '../../engine/fsutil/atomic.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';

test("only tempName's own names count as temporary; a look-alike person's file survives sync, backup and a restore into the vault", async () => {
  assert.ok(isTempName(tempName('/x').slice(3)));
  for (const name of ['.casevault-tmp-mine.txt', '.casevault-tmp-', '.casevault-tmp-0123', 'x.casevault-tmp-0123456789abcdef'])
    assert.equal(isTempName(name), false, name);
  const { vault, engine } = await makeVault({
    files: { '.casevault-tmp-mine.txt': "a person's notes", [`.casevault-tmp-${'ab'.repeat(8)}`]: 'a dead write of ours' },
    backup: true,
  });
  assert.equal((await engine.sync()).uploaded, 1, 'the look-alike is synced, our leftover is not');
  await engine.backup();
  await engine.unlock({ passphrase: PASSPHRASE });
  await engine.restoreBackup({ to: vault });
  assert.equal(await readFile(join(vault, '.casevault-tmp-mine.txt'), 'utf8'), "a person's notes");
  assert.equal(await exists(join(vault, `.casevault-tmp-${'ab'.repeat(8)}`)), false, 'our own leftover is cleared');
});
