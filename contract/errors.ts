// What can go wrong, as every shell shows it: a kind (which decides the
// command's exit code and how the app reacts), one sentence in the person's
// words that names no command or button, and a typed next step that each
// shell words its own way (the CLI as a command, the app as the button or
// screen that does it). Engine errors carry these; anything else the engine
// meets is classified once, in engine/errors.ts.

export type ErrorKind =
  /** Missing or contradictory input the person can fix. */
  | 'usage'
  /** No vault is set up on this computer. */
  | 'no-vault'
  /** The vault must be unlocked for this. */
  | 'locked'
  /** The passphrase, recovery key or escrow key does not open the vault. */
  | 'wrong-secret'
  /** Damaged or tampered-with data was found. */
  | 'damaged'
  /** Something else is doing this now, or a file kept changing. */
  | 'busy'
  /** The cloud, the backup drive or a service cannot be reached now. */
  | 'unreachable'
  /** A sign-in was refused: the person must connect again. */
  | 'signed-out'
  /** Refused, to keep data safe. */
  | 'refused'
  /** Some items failed; everything else was done. */
  | 'partial'
  /** A format or version this build does not read. */
  | 'unsupported'
  /** Anything else. */
  | 'failed';

export type NextStep =
  /** Type the passphrase or the recovery key. */
  | 'unlock'
  /** The keys were rotated on another computer: unlock with the new passphrase. */
  | 'unlock-with-new-passphrase'
  /** Try the same again (later). */
  | 'retry'
  /** Try again, and report it if it keeps happening (something unexpected). */
  | 'retry-or-report'
  /** Choose another folder or file. */
  | 'choose-other-folder'
  /** Choose a stronger passphrase. */
  | 'choose-stronger-passphrase'
  /** Choose a passphrase the lost computer's key file does not open. */
  | 'choose-new-passphrase'
  /** Set up a vault, or recover one onto this computer. */
  | 'set-up-vault'
  /** This computer's settings are damaged: recover the vault afresh. */
  | 'recover-afresh'
  /** The cloud already holds a vault: recover it instead of creating one. */
  | 'recover-instead'
  /** Plug in the backup drive or mount the share. */
  | 'plug-in-backup-drive'
  /** Choose a backup folder. */
  | 'set-backup-folder'
  /** The backup folder set is no folder (a file): choose another one. */
  | 'change-backup-folder'
  /** Take a backup first. */
  | 'take-backup'
  /** Check the backups by reading them back. */
  | 'verify-backup'
  /** Remove from the backup folder what this computer forgot (forget and prune). */
  | 'prune-backups'
  /** Check the cloud copy by reading it back. */
  | 'verify-cloud'
  /** Restore from an older backup. */
  | 'try-older-backup'
  /** Sign in to Dropbox again. */
  | 'reconnect-dropbox'
  /** Reconnect the cloud folder's drive or share, or choose the folder again. */
  | 'reconnect-cloud'
  /** Give the S3 storage's endpoint and access key (or check them, and the s3:// location). */
  | 'connect-s3'
  /** Put this computer's copy of the key file back into the cloud copy (a cloud folder that is connected may have lost its copy: then sync rebuilds it). */
  | 'restore-cloud-key-file'
  /** The vault folder is missing or replaced: put it back (from the cloud copy or a backup), or use the folder it was moved to. */
  | 'put-vault-folder-back'
  /** Finish the key rotation with the new passphrase. */
  | 'finish-key-rotation'
  /** Rotate the vault's keys (new keys for new writes; earlier copies of the key file stop mattering for what is written next). */
  | 'rotate-keys'
  /** Make a verified handover copy first (again, if the vault changed). */
  | 'make-handover'
  /** See what is failing in the vault's status, fix it, and sync again. */
  | 'check-sync-status'
  /** Sync now (or keep live sync running, which sends changes as they happen). */
  | 'sync-now'
  /** Type the recovery key back to show it is kept, or make a new one if it is lost. */
  | 'confirm-recovery-key'
  /** Archive or delete the cases past their retention period. */
  | 'review-retention'
  /** Check who can open the vault and read the audit trail, then record the review. */
  | 'review-access'
  /** Run the interrupted deletion or archiving of the case named again, which finishes it. */
  | 'finish-case-removal'
  /** Run the interrupted removal of the vault from this computer again, which finishes it. */
  | 'finish-removal'
  /** Pick a case as the retention list names it. */
  | 'list-cases'
  /** Pick a snapshot as the list of backups names it. */
  | 'list-snapshots'
  /** Pick an archive as the list of archives names it. */
  | 'list-archives'
  /** Keep the backups (archives are in them), or delete each archive first. */
  | 'keep-backups-or-delete-archives'
  /** Keep the backups (another computer's are among them). */
  | 'keep-backups'
  /** Remove the vault on the other computers that use the cloud copy first, mark one no longer used as lost, or keep the cloud copy. */
  | 'other-computers-first'
  /** Pick a computer as the list of the vault's computers names it. */
  | 'list-devices'
  /** Confirm it (the person's confirmation is part of the request). */
  | 'confirm'
  /** Confirm that it should be done before its date. */
  | 'confirm-early'
  /** Free some disk space. */
  | 'free-disk-space'
  /** Check the permissions of the files and folders named. */
  | 'check-permissions'
  /** Install a newer Casevault. */
  | 'update-casevault'
  /** Set the environment this needs (unattended use). */
  | 'set-environment';

/** A failure as it crosses the API: never a stack, a key or a path from inside the vault. */
export interface FailureInfo {
  kind: ErrorKind;
  message: string;
  next?: NextStep;
}

/** A failure with its kind and next step. The engine's errors extend it; the shells throw it for their own input. */
export class Failure extends Error implements FailureInfo {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly next?: NextStep,
  ) {
    super(message);
    this.name = 'Failure';
  }

  toJSON(): FailureInfo {
    return { kind: this.kind, message: this.message, ...(this.next ? { next: this.next } : {}) };
  }
}
