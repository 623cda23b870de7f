// Probe B finding 6: right after `recover --backup DIR` (or `backup-folder
// DIR`) adopts a folder holding this vault's backups, `status` said "no
// backup has been taken yet" and "Last backup: never; overdue since" the
// moment of recovery. The folder's newest backup now counts as the last one
// until this computer takes its own, the same way for both commands.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

interface Health {
  area: string;
  ok: boolean;
  message: string;
}

async function backupsSaid(env: Record<string, string>): Promise<{ health: Health; lastBackup: string | null; backupOverdue: boolean; text: string }> {
  const j = JSON.parse((await run(['status', '--json'], env)).stdout) as { health: Health[]; lastBackup: string | null; backupOverdue: boolean };
  const text = (await run(['status'], env)).stdout;
  return { health: j.health.find((h) => h.area === 'backups')!, lastBackup: j.lastBackup, backupOverdue: j.backupOverdue, text };
}

test("recover --backup and backup-folder: the adopted folder's newest backup counts as the last one", async () => {
  const { root, cloud, backup, env } = await makeVault({ files: { 'case-1/letter.txt': 'Dear member' }, synced: true, backedUp: true });
  const latest = (JSON.parse((await run(['snapshots', '--json'], env)).stdout) as { time: string }[]).at(-1)!.time;

  const recovered = { ...env, CASEVAULT_HOME: join(root, 'home2') };
  const r = await run(['recover', '--cloud', cloud, '--vault', join(root, 'Cases2'), '--backup', backup], recovered);
  assert.equal(r.code, 0, r.stderr);

  const adopted = { ...env, CASEVAULT_HOME: join(root, 'home3') };
  const r3 = await run(['recover', '--cloud', cloud, '--vault', join(root, 'Cases3')], adopted);
  assert.equal(r3.code, 0, r3.stderr);
  const bf = await run(['backup-folder', backup], adopted);
  assert.equal(bf.code, 0, bf.stderr);

  for (const e of [recovered, adopted]) {
    const s = await backupsSaid(e);
    assert.equal(s.health.ok, true, s.health.message);
    assert.match(s.health.message, /^the latest backup in the backup folder was just now \(none from this computer yet\), to /);
    assert.equal(s.lastBackup, latest);
    assert.equal(s.backupOverdue, false);
    assert.doesNotMatch(s.text, /Last backup: never|overdue/);
  }
});
