// Backup benchmark: Casevault against restic on the same data, in one run,
// reported as ratios (never part of npm test). Two mixes of about the same
// size: the bench's own (10,000 small notes, scans with exact duplicates,
// spreadsheets) and an adverse one (10,000 small incompressible files beside
// large files cut from a shared pool of content at shifted offsets, so the
// chunker does most of the work and little is new). Each Casevault step runs
// in a new process, as a caseworker's `casevault backup` would, once per
// crypto backend; restic runs once per mix. Times and peak RSS of the whole
// process come from /usr/bin/time, for both tools alike.
//
//   npx tsc -p tsconfig.json && node dist/bench/backup.js [MiB, default 2048]
//   (BENCH_CPU_PROF=<folder> also profiles each Casevault step there)
//
// Writes bench/results/backup.json and backup.md, then the chart (chart.ts).
// restic runs with its defaults (zstd auto, 16 MiB packs) and the
// RESTIC_PASSWORD from the environment of this script.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeyFile, parseKeyFile, type ReadKeys } from '../crypto/index.js';
import type { Backend } from '../crypto/sodium.js';
import { BackupApi } from '../engine/backup/service.js';
import { Engine } from '../engine/engine.js';
import { writeChart } from './chart.js';
import { reportStep, timed, type Measured } from './measure.js';

const MIB = 1024 * 1024;
const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const PASS = 'purple elephant dances quietly tonight';
/** BENCH_BACKENDS=native and BENCH_MIXES=adverse narrow a run (while profiling). */
const BACKENDS = (process.env.BENCH_BACKENDS?.split(',') ?? ['native', 'wasm']) as Backend[];
const MIXES = process.env.BENCH_MIXES?.split(',') ?? ['bench', 'adverse'];
/** The aims of issue #16, as Casevault's time over restic's. */
const AIMS = { first: 0.8, noChange: 0.3, restore: 1.0 } as const;

async function du(dir: string): Promise<number> {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
}

async function makeNotes(dir: string, bytes: { n: number }): Promise<void> {
  for (let d = 0; d < 100; d++) {
    await mkdir(join(dir, `cases/case-${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) {
      const text = `Member ${d}-${f}: grievance notes, meeting on ${(f % 28) + 1} March; overtime claim ${f * 7}.\n`.repeat(20 + (f % 60));
      await writeFile(join(dir, `cases/case-${d}/note-${f}.txt`), text);
      bytes.n += text.length;
    }
  }
}

/** The bench's own mix. */
async function makeBenchMix(dir: string, total: number): Promise<number> {
  const bytes = { n: 0 };
  await makeNotes(dir, bytes);
  await mkdir(join(dir, 'scans'), { recursive: true });
  await mkdir(join(dir, 'copies'), { recursive: true });
  await mkdir(join(dir, 'sheets'), { recursive: true });
  let i = 0;
  while (bytes.n < total * 0.55) {
    const b = randomBytes(MIB * (1 + (i % 8)));
    await writeFile(join(dir, `scans/scan-${i}.pdf`), b);
    bytes.n += b.length;
    if (i % 4 === 0) {
      await writeFile(join(dir, `copies/scan-${i}-copy.pdf`), b); // an exact duplicate
      bytes.n += b.length;
    }
    i++;
  }
  i = 0;
  while (bytes.n < total) {
    const rows = Array.from({ length: 40_000 }, (_, r) => `${i},${r},member-${(r * 7919) % 100000},${(r * 31) % 997},paid,branch ${r % 12}\n`).join('');
    await writeFile(join(dir, `sheets/members-${i}.csv`), rows);
    bytes.n += rows.length;
    i++;
  }
  return bytes.n;
}

/**
 * The adverse mix: 10,000 small random files (1-12 KiB) in 100 folders, and
 * large files of 64 MiB, each a run of 1 MiB pieces picked from a pool an
 * eighth of the data's size, every piece behind a few random bytes (so the
 * shared content sits at shifted offsets: only content-defined chunking
 * finds it).
 */
async function makeAdverseMix(dir: string, total: number): Promise<number> {
  let bytes = 0;
  for (let d = 0; d < 100; d++) {
    await mkdir(join(dir, `mail/box-${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) {
      const b = randomBytes(1024 * (1 + ((d * 100 + f) % 12)));
      await writeFile(join(dir, `mail/box-${d}/msg-${f}.eml`), b);
      bytes += b.length;
    }
  }
  await mkdir(join(dir, 'bundles'), { recursive: true });
  const pool = Array.from({ length: Math.max(8, Math.round(total / 8 / MIB)) }, () => randomBytes(MIB));
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; bytes < total; i++) {
    const pieces: Uint8Array[] = [];
    for (let p = 0; p < 64; p++) pieces.push(randomBytes(1 + (next() % 64)), pool[next() % pool.length]!);
    const b = Buffer.concat(pieces);
    await writeFile(join(dir, `bundles/bundle-${i}.bin`), b);
    bytes += b.length;
  }
  return bytes;
}

export interface BackupRow {
  mix: string;
  backend: Backend;
  what: string;
  casevault: number;
  restic: number;
  unit: string;
  casevaultRssMiB?: number;
  casevaultCpu?: number;
  resticCpu?: number;
  /** Casevault's time without starting the process (Node and module loading). */
  casevaultInside?: number;
  resticRssMiB?: number;
  aim?: number;
}

/** One Casevault step in this process (the child of a measured run). */
async function step(which: string, home: string, to: string | undefined): Promise<void> {
  const t = performance.now();
  let keys: ReadKeys | undefined;
  const api = new BackupApi({ home, readKeys: () => keys! });
  if (which === 'backup') {
    await api.backup();
  } else {
    keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(home, 'casevault.key')))), { passphrase: PASS });
    await api.restore({ to: to! });
  }
  reportStep({ inside: (performance.now() - t) / 1000 });
}

async function benchMix(root: string, mix: string, total: number): Promise<{ rows: BackupRow[]; bytes: number; note: string }> {
  const vault = join(root, `vault-${mix}`);
  await mkdir(vault);
  const bytes = await (mix === 'bench' ? makeBenchMix : makeAdverseMix)(vault, total);
  console.log(`${mix} mix: ${(bytes / MIB).toFixed(0)} MiB, ${((await du(vault)) / MIB).toFixed(0)} MiB on disk`);

  const renv = { ...process.env, RESTIC_PASSWORD: PASS, RESTIC_REPOSITORY: join(root, 'restic-repo'), RESTIC_CACHE_DIR: join(root, 'restic-cache') };
  execFileSync('restic', ['--quiet', 'init'], { env: renv, stdio: ['ignore', 'ignore', 'inherit'] });
  const rFirst = timed('restic', ['--quiet', 'backup', vault], renv, root);
  const rNoChange = timed('restic', ['--quiet', 'backup', vault], renv, root);
  const rRestore = timed('restic', ['--quiet', 'restore', 'latest', '--target', join(root, 'restic-out')], renv, root);
  const rSize = await du(join(root, 'restic-repo'));
  await rm(join(root, 'restic-out'), { recursive: true });
  await rm(join(root, 'restic-repo'), { recursive: true });
  await rm(join(root, 'restic-cache'), { recursive: true, force: true });

  const rows: BackupRow[] = [];
  const notes: string[] = [];
  for (const backend of BACKENDS) {
    const home = join(root, `home-${backend}`);
    const engine = new Engine(home, { CASEVAULT_KDF_PROFILE: 'interactive' });
    await engine.init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(root, 'cloud') }, backupDir: join(root, 'cv-repo'), passphrase: PASS });
    const env = { ...process.env, CASEVAULT_CRYPTO: backend };
    // BENCH_CPU_PROF=<folder>: each Casevault step also writes a CPU profile there.
    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const self = [...prof, fileURLToPath(import.meta.url)];
    const first = timed(process.execPath, [...self, '--step', 'backup', home], env, root);
    const noChange = timed(process.execPath, [...self, '--step', 'backup', home], env, root);
    const restore = timed(process.execPath, [...self, '--step', 'restore', home, join(root, 'cv-out')], env, root);
    const cvSize = await du(join(root, 'cv-repo'));
    const row = (what: string, c: Measured, r: Measured, aim: number): BackupRow => ({
      mix,
      backend,
      what,
      casevault: c.seconds,
      restic: r.seconds,
      unit: 's',
      casevaultRssMiB: c.rssMiB,
      casevaultCpu: c.cpu,
      resticCpu: r.cpu,
      ...(c.inside === undefined ? {} : { casevaultInside: c.inside }),
      resticRssMiB: r.rssMiB,
      aim,
    });
    rows.push(
      row('first backup', first, rFirst, AIMS.first),
      row('no-change backup', noChange, rNoChange, AIMS.noChange),
      row('restore everything', restore, rRestore, AIMS.restore),
    );
    rows.push({ mix, backend, what: 'repository size', casevault: cvSize / MIB, restic: rSize / MIB, unit: 'MiB' });
    notes.push(`${backend}: first backup ${(bytes / MIB / first.seconds).toFixed(0)} MiB/s, restore ${(bytes / MIB / restore.seconds).toFixed(0)} MiB/s`);
    for (const d of [home, join(root, 'cv-repo'), join(root, 'cv-out'), join(root, 'cloud')]) await rm(d, { recursive: true, force: true });
  }
  await rm(vault, { recursive: true });
  return { rows, bytes, note: `${mix} mix, ${(bytes / MIB).toFixed(0)} MiB: ${notes.join('; ')}.` };
}

async function main(total: number): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cv-bench-'));
  try {
    const rows: BackupRow[] = [];
    const notes: string[] = [];
    const sizes: Record<string, number> = {};
    for (const mix of MIXES) {
      const r = await benchMix(root, mix, total);
      rows.push(...r.rows);
      notes.push(r.note);
      sizes[mix] = r.bytes;
    }
    const restic = execFileSync('restic', ['version'], { encoding: 'utf8' }).trim();
    const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    const cpu = (v: number | undefined) => (v === undefined ? '' : `, ${v.toFixed(1)} s CPU`);
    const mb = (v: number | undefined) => (v === undefined ? '' : `, ${v.toFixed(0)} MiB RSS`);
    const md = [
      `Backups, measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${restic}. Each step is a new process (wall time, peak RSS and user+system CPU time of the whole process; the ratio is of wall times, CPU's in brackets; "inside": Casevault's step without starting Node).`,
      'Mixes: **bench** (10,000 small notes, scans with exact duplicates, spreadsheets); **adverse** (10,000 small incompressible files beside large files sharing content at shifted offsets).',
      '',
      '| mix | backend | | Casevault | restic | Casevault / restic | aim |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.mix} | ${r.backend} | ${r.what} | ${r.casevault.toFixed(2)} ${r.unit}${r.casevaultInside === undefined ? '' : ` (${r.casevaultInside.toFixed(2)} s inside)`}${mb(r.casevaultRssMiB)}${cpu(r.casevaultCpu)} | ${r.restic.toFixed(2)} ${r.unit}${mb(r.resticRssMiB)}${cpu(r.resticCpu)} | ${(r.casevault / r.restic).toFixed(2)}${r.casevaultCpu && r.resticCpu ? ` (CPU ${(r.casevaultCpu / r.resticCpu).toFixed(2)})` : ''} | ${r.aim ? `≤ ${r.aim.toFixed(1)}` : ''} |`,
      ),
      '',
      ...notes,
      '',
    ].join('\n');
    console.log(md);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'backup.json'), `${JSON.stringify({ date: new Date().toISOString(), sizes, rows }, null, 2)}\n`);
    await writeFile(join(RESULTS, 'backup.md'), md);
    await writeChart();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--step');
if (at > 0) await step(process.argv[at + 1]!, process.argv[at + 2]!, process.argv[at + 3]);
else await main(Number(process.argv[2] ?? 2048) * MIB);
