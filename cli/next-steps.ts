// Each next step the engine can name (contract/errors.ts), as a person at a
// terminal does it: with a command or a setting. The app words the same
// steps as its own buttons and screens (renderer/src/next-steps.ts).
import type { NextStep } from '../contract/index.js';

const TEXT: Record<NextStep, string> = {
  unlock: 'type the passphrase or the recovery key (run the command in a terminal, or set CASEVAULT_PASSPHRASE or CASEVAULT_RECOVERY_KEY)',
  'unlock-with-new-passphrase': 'unlock once with the new passphrase chosen there (e.g. `casevault audit`), then sync again',
  retry: 'try again later',
  'retry-or-report': 'try again, and if it keeps happening report it (no file names or keys are included in this message)',
  'choose-other-folder': 'check the paths, or choose another folder',
  'choose-stronger-passphrase': 'choose a longer one, such as four or five unrelated words',
  'choose-new-passphrase': 'choose a passphrase you have not used for this vault',
  'set-up-vault': 'run `casevault init` (or `casevault recover` on a new computer)',
  'recover-afresh': 'recover the vault into a fresh CASEVAULT_HOME with `casevault recover`',
  'recover-instead': 'to use it on this computer run `casevault recover`',
  'plug-in-backup-drive': 'plug in the backup drive (or connect the share) and run the command again',
  'change-backup-folder': 'choose a folder with `casevault backup-folder DIR`',
  'set-backup-folder': 'choose one (a USB drive or NAS share) with `casevault backup-folder DIR`',
  'take-backup': 'run `casevault backup` first',
  'verify-backup': 'run `casevault verify --backup`',
  'prune-backups': 'run `casevault forget --prune` to remove it again',
  'verify-cloud': 'run `casevault verify --cloud`',
  'try-older-backup': 'try an older snapshot (`casevault snapshots` lists them)',
  'reconnect-dropbox': 'connect Dropbox again (in the app, or with CASEVAULT_DROPBOX_APP_KEY and CASEVAULT_DROPBOX_REFRESH_TOKEN)',
  'connect-s3':
    'check the access key and secret the union gave you (CASEVAULT_S3_ACCESS_KEY_ID and CASEVAULT_S3_SECRET_ACCESS_KEY, or the AWS_* variables), the endpoint (CASEVAULT_S3_ENDPOINT) and the s3:// location, then run the command again',
  'reconnect-cloud':
    'reconnect the drive or share that holds the cloud folder, or start its sync app and let it finish, then run the command again (`casevault watch` keeps trying by itself)',
  'restore-cloud-key-file':
    "once the cloud folder's drive or share is connected and its sync app has finished, put this computer's key file back with `casevault cloud-key-file --put-back` (a cloud copy that was emptied is then sent again by `casevault sync`)",
  'put-vault-folder-back':
    'reconnect its drive; or put it back from the cloud copy with `casevault vault-folder --from-cloud [--to DIR]`, or from a backup with `casevault restore --to DIR`; or, if it was moved, use it where it is with `casevault vault-folder --use DIR`',
  'finish-key-rotation': 'run `casevault rotate-keys` again with the new passphrase',
  'rotate-keys': 'rotate the keys with `casevault rotate-keys`',
  'make-handover': 'make a handover copy with `casevault handover --to DIR` first',
  'check-sync-status': '`casevault status` says why; fix that and sync again',
  'sync-now': 'run `casevault sync` (or keep `casevault watch` running, which sends changes as they happen)',
  'confirm-recovery-key': 'type it back with `casevault recovery-key --confirm` (or, if it is lost, make a new one with `casevault recovery-key --new`)',
  'review-retention': '`casevault retention` lists them; archive or delete each with `casevault archive CASE --yes` or `casevault delete CASE --yes`',
  'review-access': 'check who can open this vault and read the audit trail (`casevault audit`), then record it with `casevault audit --reviewed`',
  'finish-case-removal':
    'run the same `casevault delete CASE --yes` (for a deletion) or `casevault archive CASE --yes` (for an archiving) again for each case named, which finishes it',
  'finish-removal': 'run `casevault remove --yes` again, which finishes it with the choices made then',
  'list-cases': '`casevault retention` lists the cases',
  'list-snapshots': '`casevault snapshots` lists them',
  'list-archives': '`casevault archives` lists them',
  'keep-backups-or-delete-archives':
    'keep the backups (hand the drive over with them: `casevault remove --yes` keeps them), or first delete each archive with `casevault archives delete ID --yes`',
  'keep-backups': 'keep them: `casevault remove --yes` keeps the backups (hand the drive over with them)',
  'other-computers-first':
    'remove the vault on each of them first (`casevault remove` there), or mark one that is no longer used as lost (`casevault devices lost NAME --yes`); or keep the cloud copy (`casevault remove --yes` keeps it)',
  'list-devices': '`casevault devices` lists their names and IDs',
  confirm: 'confirm with --yes',
  'confirm-early': 'add --force to do it anyway',
  'free-disk-space': 'free some space and try again',
  'check-permissions': 'check its permissions and try again',
  'update-casevault': 'install a newer version of Casevault',
  'set-environment': 'set the environment variables it names',
};

export function nextStepText(step: NextStep): string {
  return TEXT[step];
}
