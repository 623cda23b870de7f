// The recovery key area: the way back in when the passphrase is forgotten.
// A key shown once and never typed back may never have been kept, so the
// vault is not ok until it is (engine/keys/recovery-confirmation.ts).
import type { HealthItem } from '../../contract/index.js';
import { loadRecoveryConfirmation } from '../keys/recovery-confirmation.js';
import { ago, fine, problem } from './item.js';

export async function recoveryKeyHealth(home: string, now: number): Promise<HealthItem> {
  const { confirmedAt } = await loadRecoveryConfirmation(home);
  if (!confirmedAt) {
    return problem(
      'recovery-key',
      'attention',
      'the recovery key was never typed back, so nothing shows it was kept; without it a forgotten passphrase loses the vault',
      'confirm-recovery-key',
    );
  }
  return fine('recovery-key', `the recovery key was typed back ${ago(Date.parse(confirmedAt), now)}`);
}
