import type { Command } from 'commander';
import { DamagedData } from '../../crypto/errors.js';
import type { BackupEngine } from '../../engine/backup/service.js';
import type { Engine } from '../../engine/engine.js';
import { PartialFailure } from '../../engine/errors.js';
import { mib, type Ctx } from '../context.js';
import { showProgress } from '../progress-line.js';
import { unlockSecret } from '../prompt.js';
import { fileCount } from '../../engine/words.js';

/** The engine, seen through its backup methods. */
export function backupEngine(ctx: Ctx): BackupEngine {
  return ctx.engine() as unknown as BackupEngine;
}

/** The CLI's progress line (stderr, terminals only) for backup work. */
export function backupProgress(ctx: Ctx, engine: BackupEngine, label: string): () => void {
  return showProgress(engine as unknown as Engine, ctx.io, label);
}

export function backupCommand(program: Command, ctx: Ctx, done: (code: number) => void): void {
  program
    .command('backup')
    .description('take a backup snapshot of the vault folder now (into the backup folder); prints its id')
    .action(async () => {
      const engine = backupEngine(ctx);
      const stop = backupProgress(ctx, engine, 'Backing up');
      const r = await engine.backup().finally(stop);
      ctx.out(r.snapshot); // stdout holds the id alone, for scripts: ID=$(casevault backup)
      // The summary is for a person at a terminal; a script's stderr stays for errors.
      if (ctx.io.stderr.isTTY) ctx.io.stderr.write(`Snapshot ${r.snapshot.slice(0, 8)}: ${r.files} files (${mib(r.bytes)}); ${r.filesRead} new or changed files read, ${mib(r.bytesAdded)} added to the backup in ${(r.durationMs / 1000).toFixed(1)} s.\n`);
      if (ctx.io.stderr.isTTY) for (const f of r.failed) ctx.io.stderr.write(`Not in this snapshot: ${f.path}: ${f.reason}\n`);
      if (r.failed.length > 0) throw new PartialFailure(`${fileCount(r.failed.length)} could not be backed up (still being written or unreadable; run \`casevault backup\` in a terminal to see which); the snapshot holds everything else`);
      done(0);
    });
}

/** `verify --backup [--quick]`: called by cli/commands/verify.ts. */
export async function verifyBackupAction(ctx: Ctx, done: (code: number) => void, o: { quick?: boolean }): Promise<void> {
  const engine = backupEngine(ctx);
  await engine.unlock(await unlockSecret(ctx.io));
  const stop = backupProgress(ctx, engine, 'Verifying the backups');
  try {
    const r = await engine.verifyBackup({ quick: !!o.quick }).finally(stop);
    ctx.out(`Checked ${r.snapshots} snapshots and ${r.packs} packs${r.quick ? ` (data of ${r.packsRead} sampled packs)` : ''}: ${r.blobs} chunks, ${mib(r.bytes)} decrypted; ${r.bad.length} problems.`);
    for (const b of r.bad) ctx.out(`Bad: ${b.item}: ${b.reason}`);
    for (const s of r.damagedSnapshots) ctx.out(`Snapshot ${s} needs damaged or missing data: restoring it recovers every other file.`);
    if (r.bad.length > 0) throw new DamagedData('the backups have damaged, tampered or missing data (listed above); take a new backup now, and keep the damaged drive for the files only it holds');
    done(0);
  } finally {
    await engine.lock();
  }
}
