// The lock area: always ok, because locked is the safe state and unlocked
// is the person's choice; it says which, and what each means.
import type { HealthItem } from '../../contract/index.js';
import { fine } from './item.js';

export function lockHealth(locked: boolean): HealthItem {
  return fine(
    'lock',
    locked
      ? 'the vault is locked: files still go to the cloud and the backups, and reading them needs the passphrase'
      : 'the vault is unlocked on this computer until it is locked or locks itself',
  );
}
