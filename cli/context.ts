// What every command gets: the terminal, the engine for CASEVAULT_HOME, and
// the one way to do something with the vault unlocked.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type CloudSpec, Failure, calendarDayText, dateTimeSecondsText, parseS3Url, s3Url } from '../contract/index.js';
import { defaultHome, Engine, writeNewFile } from '../engine/index.js';
import { canUnlock, unlockSecret, type Io } from './prompt.js';

export interface Ctx {
  io: Io;
  engine(): Engine;
  out(line?: string): void;
  /** Unlock with the passphrase or recovery key (the environment's, or typed), run `fn`, and lock again whatever happens. */
  unlocked<T>(fn: (engine: Engine) => Promise<T>): Promise<T>;
  /** Run `fn` locked; if it needs the vault unlocked and a passphrase can be had, again unlocked (without one, the engine's sentence says why). */
  unlockedIfNeeded<T>(fn: (engine: Engine) => Promise<T>): Promise<T>;
}

export function makeCtx(io: Io): Ctx {
  let engine: Engine | undefined;
  const ctx: Ctx = {
    io,
    engine: () => (engine ??= new Engine(defaultHome(io.env), io.env)),
    out: (line = '') => {
      io.stdout.write(`${line}\n`);
    },
    async unlocked(fn) {
      const e = ctx.engine();
      await e.unlock(await unlockSecret(io));
      try {
        return await fn(e);
      } finally {
        await e.lock();
      }
    },
    unlockedIfNeeded: (fn) =>
      fn(ctx.engine()).catch((e: unknown) => {
        if (e instanceof Failure && e.kind === 'locked' && canUnlock(io)) return ctx.unlocked(fn);
        throw e;
      }),
  };
  return ctx;
}

const KEY_OUT_EXISTS = 'the --recovery-key-out file already exists; choose a new file name (Casevault never overwrites it)';

/** Refuses a --recovery-key-out that exists or whose folder does not (checked before any work). */
export async function checkKeyOut(file: string): Promise<void> {
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    throw new Failure('usage', KEY_OUT_EXISTS);
  if (
    !(await stat(dirname(resolve(file))).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    throw new Failure('usage', 'the folder for --recovery-key-out does not exist; create it or choose another place');
  }
}

/** Writes the recovery key alone on one line into a new file (whole or not at all; never replacing one). */
export async function writeKeyOut(file: string, recoveryKey: string): Promise<void> {
  if (!(await writeNewFile(file, `${recoveryKey}\n`))) throw new Failure('usage', KEY_OUT_EXISTS);
}

/** An instant as a person reads it: the computer's locale, to the second ("5 Dec 2026, 14:03:07"); --json keeps ISO. */
export const when = (ctx: Ctx, at: string | number | Date): string => dateTimeSecondsText(at, ctx.engine().locale);

/** A calendar day ("2026-12-05", housekeeping's and backups' days) as "5 Dec 2026". */
export const day = (ctx: Ctx, d: string): string => calendarDayText(d, ctx.engine().locale);

/** --cloud DIR, --cloud dropbox or --cloud s3://BUCKET/PREFIX. */
export function cloudOption(value: string | undefined): CloudSpec {
  if (!value) throw new Failure('usage', 'say where the encrypted copy goes with --cloud DIR (or --cloud dropbox, or --cloud s3://BUCKET/PREFIX)');
  if (value.startsWith('s3:')) {
    const s3 = parseS3Url(value);
    if (typeof s3 === 'string') throw new Failure('usage', s3);
    return { kind: 's3', ...s3 };
  }
  // A relative folder is the terminal's: resolved here (the engine takes full paths only).
  return value === 'dropbox' ? { kind: 'dropbox', root: '' } : { kind: 'folder', dir: resolve(value) };
}

/** --backup DIR or --backup s3://BUCKET/PREFIX: a full path (a relative folder is the terminal's), or the S3 location as written. */
export function backupOption(value: string): string {
  if (!value.startsWith('s3:')) return resolve(value);
  const s3 = parseS3Url(value);
  if (typeof s3 === 'string') throw new Failure('usage', s3);
  return s3Url(s3);
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
