import { type SecretInput, Failure } from '../contract/index.js';
// Secrets from the environment or typed on the terminal without echo.

export interface Io {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Read one line from the terminal with echo off. */
export function askHidden(io: Io, question: string): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let answer = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Failure('usage', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else if (ch >= ' ') answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function canAsk(io: Io): boolean {
  return !!io.stdin.isTTY;
}

/** Whether unlockSecret has a secret to give: one in the environment, or a terminal to type it on. */
export function canUnlock(io: Io): boolean {
  return !!(io.env.CASEVAULT_RECOVERY_KEY || io.env.CASEVAULT_PASSPHRASE) || canAsk(io);
}

/** The passphrase or recovery key that unlocks the vault: environment first, then the terminal. */
export async function unlockSecret(io: Io): Promise<SecretInput> {
  if (io.env.CASEVAULT_RECOVERY_KEY) return { recoveryKey: io.env.CASEVAULT_RECOVERY_KEY };
  if (io.env.CASEVAULT_PASSPHRASE) return { passphrase: io.env.CASEVAULT_PASSPHRASE };
  if (!canAsk(io)) {
    throw new Failure('usage', 'no passphrase given: set CASEVAULT_PASSPHRASE (or CASEVAULT_RECOVERY_KEY), or run the command in a terminal');
  }
  return { passphrase: await askHidden(io, 'Passphrase: ') };
}

/** A new passphrase: from `envName`, or typed twice on the terminal. */
export async function newPassphrase(io: Io, envName: 'CASEVAULT_PASSPHRASE' | 'CASEVAULT_NEW_PASSPHRASE' | 'CASEVAULT_ESCROW_PASSPHRASE'): Promise<string> {
  const fromEnv = io.env[envName];
  if (fromEnv) return fromEnv;
  if (!canAsk(io)) throw new Failure('usage', `no new passphrase given: set ${envName}, or run the command in a terminal`);
  const first = await askHidden(io, 'New passphrase: ');
  const second = await askHidden(io, 'Type it again: ');
  if (first !== second) throw new Failure('usage', 'the two passphrases differ; run the command again');
  return first;
}

/** The passphrase of the union's escrow key file: CASEVAULT_ESCROW_PASSPHRASE, or typed on the terminal. */
export async function escrowPassphrase(io: Io): Promise<string> {
  if (io.env.CASEVAULT_ESCROW_PASSPHRASE) return io.env.CASEVAULT_ESCROW_PASSPHRASE;
  if (!canAsk(io)) throw new Failure('usage', 'no escrow passphrase given: set CASEVAULT_ESCROW_PASSPHRASE, or run the command in a terminal');
  return askHidden(io, 'Escrow key passphrase: ');
}
