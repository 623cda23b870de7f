// Timing a benchmark step as a new process: wall time, user+system CPU time
// and peak RSS of the whole process from GNU time; and what the step itself
// reports (its own time without starting Node, and anything else it
// measured inside) through the file named by BENCH_STEP_OUT.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  rssMiB: number;
  /** User + system CPU seconds (on a shared machine, the work done, whatever else runs). */
  cpu: number;
  /** A Casevault step's own time, without starting Node and loading modules. */
  inside?: number;
  /** The step's resident memory when it finished (unlock: what the process keeps after Argon2id). */
  rssAfterMiB?: number;
}

export type StepReport = Pick<Measured, 'inside' | 'rssAfterMiB'>;

/** A measured number for a table: `d` decimals, "n/a" where there is none. */
export const fmt = (n: number | undefined, d = 2) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(d));

/** Runs a command to its end under /usr/bin/time: wall seconds and peak RSS of the whole process. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, scratch: string): Measured {
  const out = join(scratch, 'time.txt');
  const inside = join(scratch, 'step.json');
  rmSync(inside, { force: true });
  execFileSync('sync');
  execFileSync('/usr/bin/time', ['-f', '%e %M %U %S', '-o', out, cmd, ...args], {
    env: { ...env, BENCH_STEP_OUT: inside },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [seconds, kib, user, sys] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const report = existsSync(inside) ? (JSON.parse(readFileSync(inside, 'utf8')) as StepReport) : {};
  return { seconds: seconds!, rssMiB: kib! / 1024, cpu: user! + sys!, ...report };
}

/** In a measured step: what it reports of itself. */
export function reportStep(report: StepReport): void {
  writeFileSync(process.env.BENCH_STEP_OUT!, JSON.stringify(report));
}
