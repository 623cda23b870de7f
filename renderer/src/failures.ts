// A failure as the app tells it: the engine's sentence, then what to do
// next in the app's own words (its buttons and screens), never a command.
// The CLI words the same next steps as commands (cli/next-steps.ts).
import type { NextStep } from '../../contract/index.js';
import { ApiError } from './api.js';
import { sentence } from './text.js';

const NEXT: Record<NextStep, string> = {
  unlock: 'Unlock the vault with its passphrase or recovery key.',
  'unlock-with-new-passphrase': "The vault's keys were changed on another computer: unlock with the new passphrase.",
  retry: 'Try again in a moment.',
  'retry-or-report': 'Try again; if it keeps happening, tell whoever looks after Casevault for you (no file names or keys are in this message).',
  'choose-other-folder': 'Check the folder, or choose another.',
  'choose-stronger-passphrase': 'Choose a longer one: four or five unrelated words work well.',
  'choose-new-passphrase': 'Choose a passphrase you have not used for this vault.',
  'set-up-vault': 'Set up a vault, or recover one onto this computer.',
  'recover-afresh': 'Recover the vault onto this computer again, starting from the first screen.',
  'recover-instead': 'To use it on this computer, choose "Recover a vault" instead.',
  'plug-in-backup-drive': 'Plug in the backup drive (or connect the share), then try again.',
  'change-backup-folder': 'Choose a folder in Settings, "Change the backup folder".',
  'set-backup-folder': 'Choose a backup folder (on a USB drive or a network share) on the Backups screen or in Settings.',
  'take-backup': 'Take a backup first, on the Backups screen.',
  'verify-backup': 'Check the backups by reading them back, on the Backups screen.',
  'prune-backups': 'Free the space of forgotten backups (forget and prune), on the Backups screen.',
  'verify-cloud': 'Check the cloud copy by reading it back, in Settings.',
  'try-older-backup': 'Restore those files from an older backup.',
  'reconnect-dropbox': 'Connect Dropbox again in Settings.',
  'connect-s3':
    "Check the S3 storage's address and access key, and the bucket, with the union's storage administrator; a new access key goes in Settings, Object storage (S3).",
  'reconnect-cloud':
    'Reconnect the drive or share that holds the cloud folder, or start its sync app and let it finish; Casevault keeps trying by itself, or check again now.',
  'restore-cloud-key-file':
    "If the cloud folder's drive or share is connected and its sync app has finished, put this computer's key file back into the cloud copy with the button on Home; the next sync then sends every file again.",
  'put-vault-folder-back': 'Reconnect its drive; or, on Home, put the vault folder back from the cloud copy, or use the folder it was moved to.',
  'finish-key-rotation': 'Finish rotating the keys in Settings, with the new passphrase.',
  'rotate-keys': 'Rotate the keys under "Lost or stolen computer" in Settings.',
  'make-handover': 'Make a handover copy first, under Leaving the role.',
  'check-sync-status': 'Home lists the files that could not be synced and why; fix those, then try again.',
  'sync-now': 'Casevault sends them by itself while it runs; Sync now sends them at once.',
  'confirm-recovery-key': 'Type the recovery key back to show it is kept safe; if it is lost, make a new one in Settings.',
  'review-retention': 'Archive or delete them on the Housekeeping screen.',
  'review-access': 'Check who can open the vault on the Audit trail screen, then record the review there.',
  'finish-case-removal': 'Finish it on the Housekeeping screen: it runs the same deletion or archiving again.',
  'finish-removal': 'Finish it under Leaving the role: remove the vault from this computer again.',
  'list-cases': 'Pick a case from the list on the Housekeeping screen.',
  'list-snapshots': 'Pick a backup from the list.',
  'list-archives': 'Pick an archive from the list.',
  'keep-backups-or-delete-archives': 'Keep the backups and hand the drive over with them, or first delete each archive on the Housekeeping screen (Archives).',
  'keep-backups': 'Keep the backups and hand the drive over with them.',
  'other-computers-first':
    'Remove the vault on each of those computers first, or mark one that is no longer used as lost (Settings, Computers using this vault); or keep the cloud copy.',
  'list-devices': 'Pick a computer from the list in Settings.',
  confirm: 'Confirm it to go ahead.',
  'confirm-early': 'Tick "do it anyway" to go ahead before its date.',
  'free-disk-space': 'Free some disk space, then try again.',
  'check-permissions': 'Check the permissions of the folders Casevault uses, then try again.',
  'update-casevault': 'Install a newer version of Casevault.',
  'set-environment': 'Ask whoever set up Casevault to check its settings.',
};

/** What the next step is, in the app's words. */
export function nextStepText(step: NextStep): string {
  return NEXT[step];
}

/** Any failure as the person reads it: the engine's sentence and, where there is one, the next step. */
export function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Something went wrong.';
  return e.next ? `${sentence(e.message)} ${NEXT[e.next]}` : sentence(e.message);
}
