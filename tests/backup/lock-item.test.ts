// Probe B finding 3: something other than a regular file named `lock` in the
// backup folder (a named pipe, a folder, a dangling link) is no live lock.
// Backup, verify, restore and prune used to say "wait for it to finish" for
// ever; now each names the item in one sentence, never opening or following
// it, and all work again once it is removed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVault } from '../helpers/vault.js';

const plants: Record<string, (p: string) => Promise<void>> = {
  'named pipe': async (p) => void execFileSync('mkfifo', [p]),
  folder: (p) => mkdir(p),
  'dangling link': (p) => symlink('/nonexistent/casevault-lock', p),
};

test('a pipe, folder or dangling link named "lock" in the backup folder is named, not waited for', async () => {
  const { root, backup, cli } = await makeVault({ files: { 'case-1/letter.txt': 'Dear member' }, backedUp: true });
  const lock = join(backup, 'lock');
  for (const [what, plant] of Object.entries(plants)) {
    await plant(lock);
    if (what !== 'dangling link') await utimes(lock, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    for (const args of [['backup'], ['verify', '--backup'], ['restore', '--to', join(root, `r-${what}`)], ['forget', '--prune']]) {
      const r = await cli(args);
      assert.equal(r.code, 1, `${what}: ${args[0]}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        'casevault: the backup folder holds an unexpected item named "lock" that is not a Casevault lock; remove it from the backup folder, then try again.\n',
        `${what}: ${args[0]}`,
      );
    }
    assert.equal((await lstat(lock)).isFile(), false, `${what}: left where it was`);
    await rm(lock, { recursive: true });
    const r = await cli(['restore', '--to', join(root, `r-${what}`)]);
    assert.equal(r.code, 0, `${what}: restore once removed: ${r.stderr}`);
    assert.equal((await cli(['backup'])).code, 0, `${what}: backup once removed`);
  }
});
