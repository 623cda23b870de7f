// Backup benchmark: Casevault against restic on the same data, in one run,
// reported as ratios (never part of npm test). Data: 10,000 small files,
// large incompressible files, compressible text, and duplicates.
//
//   npx tsc -p tsconfig.json && node dist/bench/backup.js [MiB, default 2048]
//
// Writes bench/results/backup.json and backup.md.
// restic runs with its defaults (zstd auto, 16 MiB packs) and the
// RESTIC_PASSWORD from the environment of this script.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeyFile, parseKeyFile, type ReadKeys } from '../crypto/index.js';
import { BackupApi } from '../engine/backup/service.js';
import { Engine } from '../engine/engine.js';

const MIB = 1024 * 1024;
const total = Number(process.argv[2] ?? 2048) * MIB;
const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const PASS = 'purple elephant dances quietly tonight';

async function du(dir: string): Promise<number> {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [(performance.now() - t) / 1000, r];
}

async function makeData(dir: string): Promise<number> {
  let bytes = 0;
  const small = 10_000;
  for (let d = 0; d < 100; d++) {
    await mkdir(join(dir, `cases/case-${d}`), { recursive: true });
    for (let f = 0; f < small / 100; f++) {
      const text = `Member ${d}-${f}: grievance notes, meeting on ${(f % 28) + 1} March; overtime claim ${f * 7}.\n`.repeat(20 + (f % 60));
      await writeFile(join(dir, `cases/case-${d}/note-${f}.txt`), text);
      bytes += text.length;
    }
  }
  await mkdir(join(dir, 'scans'), { recursive: true });
  await mkdir(join(dir, 'copies'), { recursive: true });
  await mkdir(join(dir, 'sheets'), { recursive: true });
  let i = 0;
  while (bytes < total * 0.55) {
    const b = randomBytes(MIB * (1 + (i % 8)));
    await writeFile(join(dir, `scans/scan-${i}.pdf`), b);
    bytes += b.length;
    if (i % 4 === 0) {
      await writeFile(join(dir, `copies/scan-${i}-copy.pdf`), b); // an exact duplicate
      bytes += b.length;
    }
    i++;
  }
  i = 0;
  while (bytes < total) {
    const rows = Array.from({ length: 40_000 }, (_, r) => `${i},${r},member-${(r * 7919) % 100000},${(r * 31) % 997},paid,branch ${r % 12}\n`).join('');
    await writeFile(join(dir, `sheets/members-${i}.csv`), rows);
    bytes += rows.length;
    i++;
  }
  return bytes;
}

export interface BackupRow {
  what: string;
  casevault: number;
  restic: number;
  unit: string;
  aim?: number;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cv-bench-'));
  try {
    const vault = join(root, 'vault');
    await mkdir(vault);
    const bytes = await makeData(vault);
    console.log(`data: ${(bytes / MIB).toFixed(0)} MiB, ${((await du(vault)) / MIB).toFixed(0)} MiB on disk`);

    // Casevault
    const home = join(root, 'home');
    const engine = new Engine(home, { CASEVAULT_KDF_PROFILE: 'interactive' });
    await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, backupDir: join(root, 'cv-repo'), passphrase: PASS });
    let keys: ReadKeys | undefined;
    const api = new BackupApi({ home, readKeys: () => keys! });
    execFileSync('sync');
    const [cvFirst, r1] = await time(() => api.backup());
    const [cvNoChange] = await time(() => api.backup());
    keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(home, 'casevault.key')))), { passphrase: PASS });
    execFileSync('sync');
    const [cvRestore] = await time(() => api.restore({ to: join(root, 'cv-out') }));
    const cvSize = await du(join(root, 'cv-repo'));
    await rm(join(root, 'cv-out'), { recursive: true });
    const rss = process.memoryUsage().rss;

    // restic
    const renv = { ...process.env, RESTIC_PASSWORD: PASS, RESTIC_REPOSITORY: join(root, 'restic-repo'), RESTIC_CACHE_DIR: join(root, 'restic-cache') };
    const restic = (...args: string[]) => execFileSync('restic', ['--quiet', ...args], { env: renv, stdio: ['ignore', 'ignore', 'inherit'] });
    restic('init');
    execFileSync('sync');
    const [rFirst] = await time(() => restic('backup', vault));
    const [rNoChange] = await time(() => restic('backup', vault));
    execFileSync('sync');
    const [rRestore] = await time(() => restic('restore', 'latest', '--target', join(root, 'restic-out')));
    const rSize = await du(join(root, 'restic-repo'));

    const rows: BackupRow[] = [
      { what: 'first backup', casevault: cvFirst, restic: rFirst, unit: 's', aim: 1.0 },
      { what: 'no-change backup', casevault: cvNoChange, restic: rNoChange, unit: 's', aim: 0.5 },
      { what: 'restore everything', casevault: cvRestore, restic: rRestore, unit: 's' },
      { what: 'repository size', casevault: cvSize / MIB, restic: rSize / MIB, unit: 'MiB' },
    ];
    const md = [
      `Backups, ${(bytes / MIB).toFixed(0)} MiB of mixed data (10,000 small notes, scans with exact duplicates, spreadsheets), same run:`,
      '',
      '| | Casevault | restic | Casevault / restic | aim |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.what} | ${r.casevault.toFixed(2)} ${r.unit} | ${r.restic.toFixed(2)} ${r.unit} | ${(r.casevault / r.restic).toFixed(2)} | ${r.aim ? `≤ ${r.aim.toFixed(1)}` : ''} |`,
      ),
      '',
      `Casevault: first backup ${(bytes / MIB / cvFirst).toFixed(0)} MiB/s, restore ${(bytes / MIB / cvRestore).toFixed(0)} MiB/s, ${r1.blobsAdded} chunks in ${r1.packsWritten} packs, RSS ${(rss / MIB).toFixed(0)} MiB.`,
      '',
    ].join('\n');
    console.log(md);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'backup.json'), `${JSON.stringify({ date: new Date().toISOString(), bytes, rows }, null, 2)}\n`);
    await writeFile(join(RESULTS, 'backup.md'), md);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
