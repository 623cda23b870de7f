// The unlock benchmark: a new process opens a vault made with the default
// key derivation (Argon2id, 256 MiB, 3 passes), once per crypto backend.
// Reported: wall and CPU time and peak RSS of the whole process (GNU time),
// the unlock's own time, and the process's RSS right after it (the native
// build frees Argon2id's memory; the WASM build runs it on a thread that ends
// with it, as its heap never shrinks). Run by
// bench/run.ts; `node dist/bench/unlock.js --step HOME` is one measured step.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/engine.js';
import { fmt, reportStep, timed, type Measured } from './measure.js';

const PASS = 'purple elephant dances quietly tonight';

/** Issue #16's aims for an unlock in a new process. */
export const UNLOCK_AIMS = { seconds: 1.0, rssAfterMiB: 150 } as const;

export interface UnlockRun extends Measured {
  backend: string;
}

/** One unlock (the child of a measured run). */
async function step(home: string): Promise<void> {
  const engine = new Engine(home);
  const t = performance.now();
  await engine.unlock({ passphrase: PASS });
  reportStep({ inside: (performance.now() - t) / 1000, rssAfterMiB: process.memoryUsage().rss / 2 ** 20 });
}

export async function benchUnlock(work: string, backends: readonly string[]): Promise<UnlockRun[]> {
  const runs: UnlockRun[] = [];
  await mkdir(work, { recursive: true });
  for (const backend of backends) {
    const home = join(work, `home-${backend}`);
    const vault = join(work, `vault-${backend}`);
    await mkdir(vault, { recursive: true });
    // No environment: the default key derivation, whatever the caller's says.
    await new Engine(home, {}).init({ vaultDir: vault, cloud: { kind: 'folder', dir: join(work, `cloud-${backend}`) }, passphrase: PASS });
    const env = { ...process.env, CASEVAULT_CRYPTO: backend };
    runs.push({ backend, ...timed(process.execPath, [fileURLToPath(import.meta.url), '--step', home], env, work) });
  }
  await rm(work, { recursive: true, force: true });
  return runs;
}

export function unlockTable(runs: UnlockRun[]): string {
  return [
    'Unlock in a new process (Argon2id, 256 MiB, 3 passes: the default for a new vault):',
    '',
    '| backend | whole process | the unlock itself | RSS after the unlock | aim |',
    '|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.backend} | ${fmt(r.seconds)} s (${fmt(r.cpu)} s CPU), ${fmt(r.rssMiB, 0)} MiB peak RSS | ${fmt(r.inside)} s | ${fmt(r.rssAfterMiB, 0)} MiB | ≤ ${UNLOCK_AIMS.seconds} s; RSS after ≤ ${UNLOCK_AIMS.rssAfterMiB} MiB |`,
    ),
    '',
  ].join('\n');
}

const at = process.argv.indexOf('--step');
if (at > 0) await step(process.argv[at + 1]!);
