// Runs the real `casevault` command (bin/casevault.js) as a separate process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/casevault.js', import.meta.url));

export const PASSPHRASE = 'purple elephant dances quietly tonight';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A prefix that runs the command as a caseworker's process is: bound by
 * folder modes. Root reads a mode-000 folder through its capabilities
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH); a root process without them is
 * refused like anyone else. Empty for any other user, whom modes bind already.
 */
export const AS_CASEWORKER: string[] = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'] : [];

/** `wrap`: a command the run goes through (AS_CASEWORKER). */
export function run(args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000, wrap: string[] = []): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...argv] = [...wrap, process.execPath, BIN, ...args];
    const child = spawn(cmd!, argv, {
      env: { PATH: process.env.PATH, CASEVAULT_KDF_PROFILE: 'interactive', ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the command and kills it (SIGKILL) after `afterMs`; whether it finished first, with exit 0. */
export function runThenKill(args: string[], env: Record<string, string>, afterMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, CASEVAULT_KDF_PROFILE: 'interactive', ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/** The command succeeded (exit 0); else what it said. */
export function ok(r: RunResult, what: string): RunResult {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

/** The exit code, and stderr as one `casevault: ...` sentence (the contract). */
export function failsWith(r: RunResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}: ${r.stderr}${r.stdout}`);
  assert.match(r.stderr, /^casevault: [^\n]+\.\n$/);
  assert.match(r.stderr, pattern);
}
