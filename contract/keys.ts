// The vault's keys as the shells handle them: the secrets that unlock it,
// passphrase strength, and rotating the keys after a computer is lost.
import { z } from 'zod';
import type { ObjectFailure } from './mirror.js';

export const text = (max: number) => z.string().min(1).max(max);
export const pathParam = text(4096);

export const secretSchema = z.union([z.object({ passphrase: text(1024) }).strict(), z.object({ recoveryKey: text(1024) }).strict()]);
/** The passphrase or the recovery key's words. */
export type SecretInput = z.infer<typeof secretSchema>;

export const escrowSecretSchema = z
  .object({ escrowKeyFile: pathParam, escrowPassphrase: text(1024), escrowReceiptFile: pathParam.optional(), vaultFingerprint: text(100).optional() })
  .strict();
/**
 * The union's escrow key file with that file's passphrase: opens a vault that
 * has an escrow slot for it. With it, the escrow receipt made when the slot
 * was added, or the vault fingerprint it shows, typed: one of them is
 * required, and a key file whose keys it does not name is refused.
 */
export type EscrowSecretInput = z.infer<typeof escrowSecretSchema>;
export type AnySecretInput = SecretInput | EscrowSecretInput;

export const escrowKeySchema = z.object({ publicKeyFile: pathParam, fingerprint: text(100), receiptFile: pathParam.optional() }).strict();
/** The union's public escrow key, with the fingerprint a person read and confirmed; `receiptFile`: a new file for the escrow receipt, for the union to keep. */
export type EscrowKeyInput = z.infer<typeof escrowKeySchema>;

export interface Strength {
  ok: boolean;
  /** 0 (very weak) to 4 (very strong). */
  score: number;
  /** Why it was refused, or a hint; one plain sentence. */
  reason: string;
}

export interface RotateReport {
  /** The new recovery key's words, to be shown once (the old recovery key and passphrase no longer open the vault); null when picking up a rotation whose key was shown already. */
  recoveryKey: string | null;
  /** The backup folder's key: re-wrapped now, at the next backup (the drive was not there), or no backups to re-wrap. */
  backups: 'rewrapped' | 'later' | 'none';
}

export interface ReencryptReport {
  reencrypted: number;
  /** Objects no key of the vault opens (damaged, tampered, not this vault's): not re-encrypted. */
  failed: ObjectFailure[];
  /** Of those, the ones holding a file of this computer's vault folder: moved to the cloud trash, and the file is uploaded again at the next sync. */
  reuploaded: number;
}
