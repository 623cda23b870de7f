// Whether the person has shown that they hold the vault's current recovery
// key (CASEVAULT_HOME/recovery-key.json): a key is recorded as unconfirmed
// when it is made (a new vault, a replaced key, a rotation) and confirmed
// when the person types it back. The vault's health says so until then, so
// a key shown once and closed away unseen is never taken for a key kept
// safe. A vault with no record (made before this existed) counts as
// unconfirmed: nothing says its key was ever typed back.
import { join } from 'node:path';
import type { KeyFile } from '../../crypto/index.js';
import { z } from 'zod';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { parseOr, readIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';

const recordSchema = z.object({ confirmedAt: z.string().datetime().nullable() }).strict();
export type RecoveryConfirmation = z.infer<typeof recordSchema>;

export async function loadRecoveryConfirmation(home: string): Promise<RecoveryConfirmation> {
  const parsed = recordSchema.safeParse(parseOr(await readIfExists(join(home, homeFiles.recoveryKey), 'utf8')));
  return parsed.success ? parsed.data : { confirmedAt: null }; // absent or damaged: nothing says it was typed back
}

/** A new recovery key was made: not confirmed until it is typed back. */
export async function recoveryKeyMade(home: string): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.recoveryKey), JSON.stringify({ confirmedAt: null }));
}

export async function recoveryKeyConfirmed(home: string, at = new Date()): Promise<void> {
  await writeFileAtomic(join(home, homeFiles.recoveryKey), JSON.stringify({ confirmedAt: at.toISOString() }));
}

/**
 * Which recovery key the key file holds now, without a word of it: its
 * slot's random nonce, new with each key. A window still showing a key made
 * earlier compares it with this one to learn that a newer key replaced it.
 */
export function recoveryKeyId(kf: KeyFile): string {
  const slot = kf.slots.find((s) => s.role === 'recovery');
  return slot?.role === 'recovery' ? slot.nonce : '';
}
