// Leaving the role as the shells see it: the handover copy for a successor,
// and removing the vault from this computer afterwards.
import type { EscrowKeyInput } from './keys.js';

export interface HandoverOptions {
  to: string;
  /** The successor's passphrase for the copy. */
  passphrase: string;
  /** Also give the copy an escrow slot for the union's public key (its fingerprint confirmed by a person). */
  escrow?: EscrowKeyInput;
}

export interface HandoverReport {
  to: string;
  files: number;
  bytes: number;
  digest: string;
  verifiedAt: string;
  /** The successor's recovery key, shown once. */
  recoveryKey: string;
  escrowFingerprint?: string;
  /** The copy's vault fingerprint, which the union pins when it opens the copy with its escrow key (the copy has keys of its own). */
  escrowVaultFingerprint?: string;
  /** Where the copy's escrow receipt was written, if a file was asked for. */
  escrowReceiptFile?: string;
  /**
   * Archives of closed cases in the vault's backup folder: they are not in the copy (the
   * successor gets them with the backup drive, attached with `backup-folder`). 0 if none.
   */
  archivesNotInCopy: number;
  /** The vault's backup folder, where those archives are (absent if none is set up). */
  backupFolder?: string;
}

export interface HandoverStatus {
  /** The last verified handover copy, if any. */
  verified: { to: string; at: string; files: number; bytes: number } | null;
}

export type KeepOrDelete = 'keep' | 'delete';

export interface RemoveOptions {
  /** The person confirmed (the CLI's --yes, the app's confirmation). */
  yes: boolean;
  cloud?: KeepOrDelete;
  backups?: KeepOrDelete;
}

export interface RemoveReport {
  /** Vault files removed from the vault folder. */
  removedFiles: number;
  /** Items left in the vault folder because they are not in the verified copy (links, system files, files added since). */
  leftInVaultFolder: number;
  cloud: KeepOrDelete;
  backups: KeepOrDelete | 'none';
  handoverCopy: string;
}
