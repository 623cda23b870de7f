// What every command gets: the terminal and the engine for CASEVAULT_HOME.
import { Engine } from '../engine/engine.js';
import { defaultHome } from '../engine/home.js';
import type { Io } from './prompt.js';
import { UsageError } from '../engine/errors.js';
import type { CloudSpec } from '../engine/config.js';

export interface Ctx {
  io: Io;
  engine(): Engine;
  out(line?: string): void;
}

export function makeCtx(io: Io): Ctx {
  let engine: Engine | undefined;
  return {
    io,
    engine: () => (engine ??= new Engine(defaultHome(io.env), io.env)),
    out: (line = '') => {
      io.stdout.write(`${line}\n`);
    },
  };
}

/** --cloud DIR or --cloud dropbox. */
export function cloudOption(value: string | undefined): CloudSpec {
  if (!value) throw new UsageError('say where the encrypted copy goes with --cloud DIR (or --cloud dropbox)');
  return value === 'dropbox' ? { kind: 'dropbox', root: '' } : { kind: 'folder', dir: value };
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
