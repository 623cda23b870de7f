// "latest" when the newest backup this computer took is gone from the backup
// folder: deleted, replaced by an older snapshot's bytes (a replay), renamed,
// or the whole folder put back to an earlier state. The newest snapshot that
// can still be read is older, and restoring it as "latest" wrote last week's
// files with exit 0 and no word of the loss. Restore of "latest" now refuses
// (exit 3), naming the missing snapshot and writing nothing; a snapshot named
// by its ID still restores. A snapshot gone is told (by snapshots, verify
// and status's backups health) until a check finds a later backup of this
// computer's in the folder; then it is noted, once.
import assert from 'node:assert/strict';
import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault, type TestVault } from '../helpers/vault.js';

async function backupsHealth(v: TestVault): Promise<{ ok: boolean; message: string; next?: string }> {
  const status = await v.cli(['status', '--json']);
  return (JSON.parse(status.stdout) as { health: { area: string; ok: boolean; message: string; next?: string }[] }).health.find((h) => h.area === 'backups')!;
}

const attacks: Record<string, (backup: string, older: string, newest: string) => Promise<void>> = {
  deleted: (b, _o, n) => rm(join(b, 'snapshots', n)),
  'replaced by the older snapshot': async (b, o, n) => writeFile(join(b, 'snapshots', n), await readFile(join(b, 'snapshots', o))),
  renamed: (b, _o, n) => rename(join(b, 'snapshots', n), join(b, 'snapshots', '0123456789abcdef0123456789abcdef')),
};

test('restore of "latest" refuses (exit 3) when the newest snapshot this computer took is missing, replayed or renamed; a named older one restores', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'first draft' }, backedUp: true });
  const [older] = (JSON.parse((await v.cli(['snapshots', '--json'])).stdout) as { id: string }[]).map((s) => s.id);
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text');
  const made = await v.cli(['backup']);
  assert.equal(made.code, 0, made.stderr);
  const newest = made.stdout.trim();
  await cp(v.backup, join(v.root, 'backup-kept'), { recursive: true });

  for (const [name, attack] of Object.entries(attacks)) {
    await rm(v.backup, { recursive: true });
    await cp(join(v.root, 'backup-kept'), v.backup, { recursive: true });
    await attack(v.backup, older!, newest);
    const to = join(v.root, `restored ${name}`);
    const r = await v.cli(['restore', '--to', to]);
    assert.equal(r.code, 3, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`^casevault: the newest backup this computer took \\(${newest.slice(0, 8)}\\) is missing from the backup folder or cannot be read`, 'm'),
    );
    assert.ok(!(await exists(join(to, 'case/letter.txt'))), `${name}: nothing restored under the name "latest"`);

    const single = await v.cli(['restore', '--path', 'case/letter.txt', '--to', `${to} (one file)`]);
    assert.equal(single.code, 3, `${name}: ${single.stdout}${single.stderr}`);

    const named = await v.cli(['restore', '--snapshot', older!, '--to', `${to} (named)`]);
    assert.equal(named.code, 0, `${name}: ${named.stdout}${named.stderr}`);
    assert.equal((await readTree(`${to} (named)`)).get('case/letter.txt')?.toString(), 'first draft');
  }
});

test('snapshots exits 3 when a snapshot this computer took is gone from the backup folder, listing the others (--json keeps its array)', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'first draft' }, backedUp: true });
  await writeFile(join(v.vault, 'case/letter.txt'), 'final text');
  const newest = (await v.cli(['backup'])).stdout.trim();
  await rm(join(v.backup, 'snapshots', newest));

  const text = await v.cli(['snapshots']);
  assert.equal(text.code, 3, text.stdout + text.stderr);
  assert.equal(text.stdout.trim().split('\n').length, 1, 'the older snapshot is listed');
  assert.match(
    text.stderr,
    /^casevault: 1 snapshot this computer took is missing from the backup folder \(deleted, or the folder put back to an earlier state\); the others are listed; run `casevault verify --backup`\.$/m,
  );
  const json = await v.cli(['snapshots', '--json']);
  assert.equal(json.code, 3);
  assert.equal((JSON.parse(json.stdout) as unknown[]).length, 1);
});

test('a snapshot this computer took that is gone is told until a check finds a later backup of its own there; then it is noted in the audit trail and no longer reported', async () => {
  const v = await makeVault({ files: { 'case/letter.txt': 'first draft' }, backedUp: true });
  const [first] = (JSON.parse((await v.cli(['snapshots', '--json'])).stdout) as { id: string }[]).map((s) => s.id);
  await writeFile(join(v.vault, 'case/letter.txt'), 'second draft');
  const second = (await v.cli(['backup'])).stdout.trim();
  await rm(join(v.backup, 'snapshots', second)); // the newest: no later backup of this computer's is there

  const unsafe = await v.cli(['verify', '--backup']);
  assert.equal(unsafe.code, 3, unsafe.stdout + unsafe.stderr);
  assert.match(unsafe.stdout + unsafe.stderr, /back up now, and the next check after that notes the loss/);
  assert.equal((await v.cli(['snapshots'])).code, 3, 'still reported: nothing later holds the files');

  await writeFile(join(v.vault, 'case/letter.txt'), 'final text');
  assert.equal((await v.cli(['backup'])).code, 0);
  await rm(join(v.backup, 'snapshots', first!)); // an older one goes too
  const health = await backupsHealth(v);
  assert.equal(health.ok, false, 'the last backup reads back, but two earlier ones are gone');
  assert.equal(health.next, 'verify-backup');
  assert.match(
    health.message,
    /^2 earlier backups this computer took are missing from .* so the versions only they held cannot be restored; check the backups/,
  );
  const check = await v.cli(['verify', '--backup']);
  assert.equal(check.code, 3, 'the check that notes them still says what is gone');
  const said = check.stdout + check.stderr;
  for (const id of [first!, second]) assert.match(said, new RegExp(`${id}.*now noted in the audit trail and not reported again`));

  const listed = await v.cli(['snapshots']);
  assert.equal(listed.code, 0, listed.stdout + listed.stderr);
  assert.equal(listed.stdout.trim().split('\n').length, 1, 'the later backup is listed');
  const again = await v.cli(['verify', '--backup']);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal((await backupsHealth(v)).ok, true, 'noted: no longer reported');
  const restored = await v.cli(['restore', '--to', join(v.root, 'out')]);
  assert.equal(restored.code, 0, restored.stdout + restored.stderr);
  assert.equal((await readTree(join(v.root, 'out'))).get('case/letter.txt')?.toString(), 'final text');
  assert.match((await v.cli(['audit'])).stdout, /backups this computer took found missing from the backup folder and noted/);
});
