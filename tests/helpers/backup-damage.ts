// Damage done to a backup folder as a failing drive would: bytes altered in
// place, so packs keep their length and header and only decrypting tells;
// or packs lost whole or cut short, which the index shows.
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packName, Repository } from '../../engine/backup/repository.js';
import { FolderStorage } from '../../engine/backup/storage.js';
import { configWriteKeys, loadConfig } from '../../engine/config.js';

/** Flip one byte in the middle of every blob of every pack: each then fails authentication, while the pack keeps its size and header. */
export async function damageEveryBlob(home: string, backupDir: string): Promise<number> {
  const repo = await Repository.open(new FolderStorage(backupDir), configWriteKeys(await loadConfig(home)));
  await repo.loadIndex();
  let n = 0;
  for (const p of repo.packs.values()) {
    const file = join(backupDir, ...packName(p.hex).split('/'));
    const bytes = await readFile(file);
    for (const e of p.header.entries) {
      bytes[e.offset + (e.length >> 1)]! ^= 0x55;
      n++;
    }
    await writeFile(file, bytes);
  }
  return n;
}

/** Delete every pack the index lists ('missing'), or cut 100 bytes off its end ('truncated'). Returns how many. */
export async function loseEveryPack(home: string, backupDir: string, how: 'missing' | 'truncated'): Promise<number> {
  const repo = await Repository.open(new FolderStorage(backupDir), configWriteKeys(await loadConfig(home)));
  await repo.loadIndex();
  for (const p of repo.packs.values()) {
    const file = join(backupDir, ...packName(p.hex).split('/'));
    if (how === 'missing') await rm(file);
    else await truncate(file, p.length - 100);
  }
  return repo.packs.size;
}
