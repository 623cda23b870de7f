// `npm run bench`: Casevault's sync against the limit (a plain copy) and
// against rclone's crypt remote, on the same data in the same run, reported
// as ratios (machines are noisy: only ratios from one run mean anything).
// Never part of `npm test`. Then the backup benchmark (bench/backup.ts).
//
//   npm run bench              1 GiB file, 10,000 files of 4 KiB, the adverse mix
//                              (10,000 small files beside large files that share
//                              content) and the scale workload (100,000 files of
//                              1 KiB in 2,100 folders)
//   npm run bench -- --small   64 MiB, 1,000 files, a small mix, 10,000 files (a quick check)
//   --backend=native|wasm      Casevault on one crypto backend only (default: each, side by side)
//
// Each workload: first sync and no-change sync (each a new process), then
// `status`, then `recover` of the cloud copy on a new computer, with wall
// time and peak RSS (GNU time), for each crypto backend; rclone crypt copies
// the same folder once per workload (first and again), then copies it back
// into an empty folder (recover's peer). Then live sync's
// latency, and an unlock in a new process (bench/unlock.ts).
//
// Writes bench/results/latest.json and latest.md, then (with bench/backup.ts's
// results) the chart bench/results/latest.svg.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCipheriv, randomBytes } from 'node:crypto';
import { writeChart } from './chart.js';
import { benchUnlock, unlockTable } from './unlock.js';
import { startFloors, workloadFloors, type StartFloors, type WorkloadFloors } from './floors.js';
import { fmt, timed, type Measured } from './measure.js';

const small = process.argv.includes('--small');
const BIG = small ? 64 : 1024; // MiB
const FILES = small ? 1000 : 10_000;
const SCALE_FILES = small ? 10_000 : 100_000;
const SCALE_FOLDERS = small ? 210 : 2100;
const backendArg = process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length);
const BACKENDS = backendArg === 'native' || backendArg === 'wasm' ? [backendArg] : ['native', 'wasm'];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'casevault.js');
const PASS = 'purple elephant dances quietly tonight';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Incompressible, fast pseudo-random content (AES-CTR keystream). */
async function writeRandom(path: string, bytes: number): Promise<void> {
  const cipher = createCipheriv('aes-128-ctr', randomBytes(16), randomBytes(16));
  const out = createWriteStream(path);
  const zero = Buffer.alloc(1024 * 1024);
  for (let done = 0; done < bytes; done += zero.length) {
    if (!out.write(cipher.update(zero.subarray(0, Math.min(zero.length, bytes - done))))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** `count` files of `size` random bytes spread over `folders` folders. */
async function makeSmallFiles(dir: string, count = FILES, size = 4096, folders = 100): Promise<void> {
  const per = Math.ceil(count / folders);
  for (let d = 0, made = 0; made < count; d++) {
    await mkdir(join(dir, `case-${d}`), { recursive: true });
    for (let f = 0; f < per && made < count; f++, made++) await writeFile(join(dir, `case-${d}`, `doc-${f}.txt`), randomBytes(size));
  }
}

/**
 * The adverse mix: the small files, and beside them large files that share
 * content (scans saved twice, a file and its edited copy, one inside an
 * archive-like concatenation): what a caseworker's folder looks like, and
 * where deduplicating tools gain and a mirror does not.
 */
async function makeMix(dir: string): Promise<number> {
  await makeSmallFiles(join(dir, 'letters'), FILES);
  const unit = (small ? 4 : 64) * 1024 * 1024;
  await mkdir(join(dir, 'scans'), { recursive: true });
  await writeRandom(join(dir, 'scans', 'bundle-a.pdf'), unit);
  const a = await readFile(join(dir, 'scans', 'bundle-a.pdf'));
  await writeFile(join(dir, 'scans', 'bundle-a copy.pdf'), a);
  const edited = Buffer.from(a);
  randomBytes(4096).copy(edited, unit / 2);
  await writeFile(join(dir, 'scans', 'bundle-a edited.pdf'), edited);
  await writeRandom(join(dir, 'scans', 'bundle-b.pdf'), unit);
  const b = await readFile(join(dir, 'scans', 'bundle-b.pdf'));
  await writeFile(join(dir, 'scans', 'all bundles.pdf'), Buffer.concat([a, b]));
  return FILES * 4096 + unit * 6;
}

interface CasevaultRuns {
  first: Measured;
  noChange: Measured;
  status: Measured;
  /** `recover` of the cloud copy on a new computer (a fresh home, an empty folder). */
  recover: Measured;
}

interface Result {
  workload: string;
  bytes: number;
  files: number;
  copy: Measured;
  /** The first backend's runs (the chart's), and each backend's. */
  casevault: CasevaultRuns;
  backends: Record<string, CasevaultRuns>;
  /** `recover`'s peer: rclone copying the crypt remote back into an empty folder. */
  rclone?: { first: Measured; noChange: Measured; recover: Measured };
  /** What the same work costs the simplest tool that does it (bench/floors.ts). */
  floors: WorkloadFloors;
  aims: { first: number; noChange: number; noChangeSeconds?: number; statusSeconds?: number; rssMiB: number };
}

const AIMS = {
  big: { first: 0.35, noChange: 0.4, rssMiB: 150 },
  small: { first: 0.5, noChange: 0.4, noChangeSeconds: 0.15, rssMiB: 150 },
  scale: { first: 0.5, noChange: 0.3, statusSeconds: 0.5, rssMiB: 150 },
};

async function measure(workload: string, src: string, bytes: number, files: number, work: string, aims: Result['aims']): Promise<Result> {
  const copy = timed('cp', ['-r', src, join(work, 'copy')], process.env, work);
  await rm(join(work, 'copy'), { recursive: true, force: true });
  const floors = await workloadFloors(src, bytes, files, work, BACKENDS);
  const backends: Record<string, CasevaultRuns> = {};
  for (const backend of BACKENDS) {
    const home = join(work, `home-${backend}`);
    const env = { ...process.env, CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: PASS, CASEVAULT_KDF_PROFILE: 'interactive', CASEVAULT_CRYPTO: backend };
    const cloud = join(work, `cloud-${backend}`);
    execFileSync(process.execPath, [BIN, 'init', '--vault', src, '--cloud', cloud], { env, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1100)); // let the files settle, as a person's would have
    const first = timed(process.execPath, [BIN, 'sync'], env, work);
    const noChange = timed(process.execPath, [BIN, 'sync'], env, work);
    const status = timed(process.execPath, [BIN, 'status'], env, work);
    const newComputer = { ...env, CASEVAULT_HOME: join(work, `home-new-${backend}`) };
    const recover = timed(process.execPath, [BIN, 'recover', '--cloud', cloud, '--vault', join(work, 'recovered')], newComputer, work);
    backends[backend] = { first, noChange, status, recover };
    for (const dir of [cloud, newComputer.CASEVAULT_HOME, join(work, 'recovered')]) await rm(dir, { recursive: true, force: true });
  }
  const result: Result = { workload, bytes, files, copy, floors, casevault: backends[BACKENDS[0]!]!, backends, aims };
  if (have('rclone')) {
    const conf = join(work, 'rclone.conf');
    const obscured = execFileSync('rclone', ['obscure', PASS], { encoding: 'utf8' }).trim();
    await writeFile(conf, `[secret]\ntype = crypt\nremote = ${join(work, 'rclone-cloud')}\npassword = ${obscured}\n`);
    const args = ['copy', src, 'secret:', '--config', conf];
    const first = timed('rclone', args, process.env, work);
    const noChange = timed('rclone', args, process.env, work);
    const recover = timed('rclone', ['copy', 'secret:', join(work, 'recovered'), '--config', conf], process.env, work);
    result.rclone = { first, noChange, recover };
    for (const dir of ['rclone-cloud', 'recovered']) await rm(join(work, dir), { recursive: true, force: true });
  }
  return result;
}

/** Live sync: drop files one at a time into a watched vault, time each until its object is in the cloud; then a 2,000-file drop. */
async function watchLatency(work: string): Promise<{ p50: number; p99: number; drops: number; burstSeconds: number }> {
  const { spawn } = await import('node:child_process');
  const { readdir } = await import('node:fs/promises');
  const vault = join(work, 'vault');
  const cloud = join(work, 'cloud');
  await mkdir(vault, { recursive: true });
  const env = { ...process.env, CASEVAULT_HOME: join(work, 'home'), CASEVAULT_PASSPHRASE: PASS, CASEVAULT_KDF_PROFILE: 'interactive' };
  execFileSync(process.execPath, [BIN, 'init', '--vault', vault, '--cloud', cloud], { env, stdio: 'ignore' });
  const count = async () => {
    let n = 0;
    for (const d of await readdir(join(cloud, 'objects')).catch(() => [] as string[])) n += (await readdir(join(cloud, 'objects', d))).length;
    return n;
  };
  const until = async (n: number) => {
    const start = performance.now();
    while ((await count()) < n) {
      if (performance.now() - start > 120_000) throw new Error('watch did not converge');
      await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now() - start;
  };
  const child = spawn(process.execPath, [BIN, 'watch'], { env, stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const times: number[] = [];
    const drops = small ? 20 : 50;
    for (let i = 0; i < drops; i++) {
      const t = performance.now();
      await writeFile(join(vault, `drop-${i}.txt`), randomBytes(4096));
      await until(i + 1);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    await mkdir(join(vault, 'case-folder'));
    const t = performance.now();
    for (let i = 0; i < 2000; i++) await writeFile(join(vault, 'case-folder', `page-${i}.txt`), randomBytes(2000));
    await until(drops + 2000);
    return {
      p50: times[Math.floor(drops * 0.5)]! / 1000,
      p99: times[Math.min(drops - 1, Math.floor(drops * 0.99))]! / 1000,
      drops,
      burstSeconds: (performance.now() - t) / 1000,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

function opensslCeiling(): string | undefined {
  if (!have('openssl')) return undefined;
  const r = spawnSync('openssl', ['speed', '-evp', 'chacha20-poly1305', '-seconds', '1', '-bytes', '65536'], { encoding: 'utf8', timeout: 60_000 });
  const line = r.stdout.split('\n').find((l) => l.toLowerCase().startsWith('chacha20-poly1305'));
  const kb = line?.trim().split(/\s+/).pop()?.replace(/k$/, '');
  return kb ? `${(Number(kb) / 1024).toFixed(0)} MB/s` : undefined;
}

function table(results: Result[], ceiling: string | undefined, start: StartFloors): string {
  const rows = ['| workload | | Casevault | plain copy | rclone crypt | Casevault / copy | Casevault / rclone | aim |', '|---|---|---|---|---|---|---|---|'];
  const aimText = (ratio: number, extra?: string) => `≤ ${ratio}× rclone${extra ? `; ${extra}` : ''}`;
  for (const r of results) {
    const mb = r.bytes / 1e6;
    const rate = (s: number) => (r.files > 1 ? `${fmt(r.files / s, 0)} files/s` : `${fmt(mb / s, 0)} MB/s`);
    const vsRclone = (s: number, peer?: Measured) => (peer ? `${fmt(s / peer.seconds)}×` : 'n/a');
    const peer = (run?: Measured) => (run ? `${fmt(run.seconds)} s (${fmt(run.cpu)} s CPU), ${fmt(run.rssMiB, 0)} MiB RSS` : 'n/a');
    const cpuVsRclone = (c: Measured, p?: Measured) => (p ? ` (CPU ${fmt(c.cpu / p.cpu)}×)` : '');
    for (const [backend, c] of Object.entries(r.backends)) {
      const w = `${r.workload} (${backend})`;
      rows.push(
        `| ${w} | first sync | ${fmt(c.first.seconds)} s (${rate(c.first.seconds)}), ${fmt(c.first.rssMiB, 0)} MiB RSS | ${fmt(r.copy.seconds)} s | ${peer(r.rclone?.first)} | ${fmt(c.first.seconds / r.copy.seconds)}× | ${vsRclone(c.first.seconds, r.rclone?.first)} | ${aimText(r.aims.first, `RSS ≤ ${r.aims.rssMiB} MiB`)} |`,
      );
      rows.push(
        `| ${w} | no-change sync | ${fmt(c.noChange.seconds)} s (${fmt(c.noChange.cpu)} s CPU), ${fmt(c.noChange.rssMiB, 0)} MiB RSS | | ${peer(r.rclone?.noChange)} | | ${vsRclone(c.noChange.seconds, r.rclone?.noChange)}${cpuVsRclone(c.noChange, r.rclone?.noChange)} | ${aimText(r.aims.noChange, r.aims.noChangeSeconds ? `< ${r.aims.noChangeSeconds} s` : undefined)} |`,
      );
      rows.push(
        `| ${w} | status | ${fmt(c.status.seconds)} s (${fmt(c.status.cpu)} s CPU), ${fmt(c.status.rssMiB, 0)} MiB RSS | | | | | ${r.aims.statusSeconds ? `< ${r.aims.statusSeconds} s` : ''} |`,
      );
      rows.push(
        `| ${w} | recover on a new computer | ${fmt(c.recover.seconds)} s (${fmt(c.recover.cpu)} s CPU), ${fmt(c.recover.rssMiB, 0)} MiB RSS | | ${peer(r.rclone?.recover)} | | ${vsRclone(c.recover.seconds, r.rclone?.recover)}${cpuVsRclone(c.recover, r.rclone?.recover)} | |`,
      );
    }
    const cipher = Object.entries(r.floors.cipher).map(([backend, s]) => `${backend} ${fmt(s)} s`);
    rows.push(
      `| ${r.workload} | floors | durable copy ${fmt(r.floors.durableCopy.seconds)} s; stat walk ${fmt(r.floors.statWalk.seconds)} s; the cipher alone (one core): ${cipher.join(', ')} | | | | | |`,
    );
  }
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const rclone = have('rclone') ? execFileSync('rclone', ['version'], { encoding: 'utf8' }).split('\n')[0] : 'not installed';
  const startUp = `Every command first starts Node (${fmt(start.nodeStart.seconds)} s) and loads the program (\`casevault sync --help\`: ${fmt(start.programLoad.seconds)} s in all).`;
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; ${rclone}${ceiling ? `; openssl chacha20-poly1305: ${ceiling}` : ''}. ${startUp} Floors (bench/floors.ts): a durable copy (\`cp -r\`, then flushed to disk), a stat walk (\`find\` reading every file's size, times and inode) and Casevault's cipher alone on the same bytes.\n\n${rows.join('\n')}\n`;
}

const work = await mkdtemp(join(tmpdir(), 'cv-bench-'));
try {
  const results: Result[] = [];
  const start = startFloors(work);
  const bigDir = join(work, 'big', 'vault');
  await mkdir(bigDir, { recursive: true });
  await writeRandom(join(bigDir, 'scan.bin'), BIG * 1024 * 1024);
  results.push(await measure(`one ${BIG} MiB file`, bigDir, BIG * 1024 * 1024, 1, join(work, 'big'), AIMS.big));
  await rm(join(work, 'big'), { recursive: true, force: true });

  const smallDir = join(work, 'small', 'vault');
  await makeSmallFiles(smallDir);
  results.push(await measure(`${FILES.toLocaleString('en')} files of 4 KiB`, smallDir, FILES * 4096, FILES, join(work, 'small'), AIMS.small));
  await rm(join(work, 'small'), { recursive: true, force: true });

  const mixDir = join(work, 'mix', 'vault');
  const mixBytes = await makeMix(mixDir);
  results.push(
    await measure(
      `the adverse mix (${FILES.toLocaleString('en')} small files beside large ones sharing content)`,
      mixDir,
      mixBytes,
      FILES + 5,
      join(work, 'mix'),
      AIMS.small,
    ),
  );
  await rm(join(work, 'mix'), { recursive: true, force: true });

  const scaleDir = join(work, 'scale', 'vault');
  await makeSmallFiles(scaleDir, SCALE_FILES, 1024, SCALE_FOLDERS);
  results.push(
    await measure(
      `${SCALE_FILES.toLocaleString('en')} files of 1 KiB in ${SCALE_FOLDERS.toLocaleString('en')} folders`,
      scaleDir,
      SCALE_FILES * 1024,
      SCALE_FILES,
      join(work, 'scale'),
      AIMS.scale,
    ),
  );
  await rm(join(work, 'scale'), { recursive: true, force: true });

  const live = await watchLatency(join(work, 'watch'));
  const unlock = await benchUnlock(join(work, 'unlock'), BACKENDS);
  const md = `${table(results, opensslCeiling(), start)}
${unlockTable(unlock)}
Live sync (\`casevault watch\`, a folder cloud): a dropped 4 KiB file is in the cloud after ${fmt(live.p50)} s (p50) / ${fmt(live.p99)} s (p99) over ${live.drops} drops (aim: 1 s / 3 s); a 2,000-file drop converges in ${fmt(live.burstSeconds)} s.
`;
  console.log(md);
  const out = join(ROOT, 'bench', 'results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), small, start, results, live, unlock }, null, 2)}\n`);
  await writeFile(join(out, 'latest.md'), md);
} finally {
  await rm(work, { recursive: true, force: true });
}

if (!process.argv.includes('--sync-only')) {
  console.log('Backup benchmark (bench/backup.ts):');
  spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'backup.js'), small ? '50' : '2048'], { stdio: 'inherit' });
}
await writeChart();
console.log('Chart: bench/results/latest.svg');
