// Handover with the real CLI: the files a copy is tested with (NFC and NFD
// spellings of one name, an empty file, a 3 MiB file, nesting), the
// successor's passphrases, the command and the successor's recover.
import { join } from 'node:path';
import { run, type RunResult } from '../helpers/cli.js';
import type { TestVault } from '../helpers/vault.js';

export const NEW_PASSPHRASE = 'successor chooses seven new words today';
export const ESCROW_PASSPHRASE = 'union officer keeps this phrase locked away';

export const FILES: Record<string, Buffer> = {
  'notes.txt': Buffer.from('first meeting notes\n'),
  'caf\u00e9.txt': Buffer.from('NFC spelling'),
  'cafe\u0301.txt': Buffer.from('NFD spelling'),
  'empty.txt': Buffer.alloc(0),
  'Members/0042/grievance letter (draft) #2.docx': Buffer.from('PK\x03\x04 not really a docx'),
  'Members/0042/big scan.pdf': Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 131 + (i >> 9)) & 0xff)),
  'deep/a/b/c/d/e/ünïcødé – name.md': Buffer.from('# heading\n'),
};

export { failsWith, ok } from '../helpers/cli.js';

export function handover(v: TestVault, to: string, extra: string[] = []): Promise<RunResult> {
  return v.cli(['handover', '--to', to, ...extra], { CASEVAULT_NEW_PASSPHRASE: NEW_PASSPHRASE });
}

/** The successor: a fresh home, the copy as the cloud folder, the new passphrase. */
export function successorRecover(
  root: string,
  from: string,
  into: string,
  secret: Record<string, string> = { CASEVAULT_PASSPHRASE: NEW_PASSPHRASE },
  extra: string[] = [],
): Promise<RunResult> {
  return run(['recover', '--cloud', from, '--vault', into, ...extra], {
    CASEVAULT_HOME: join(root, `home-of-${into.length}-${Math.random().toString(36).slice(2)}`),
    ...secret,
  });
}
