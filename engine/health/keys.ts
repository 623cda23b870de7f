// The keys area: whether this computer still writes under the vault's
// current keys. When another computer rotated them (a lost laptop), the
// cloud's key file carries the new ones and nothing is sent from here until
// the new passphrase is typed; a rotation started here must be finished.
// While the cloud's key file cannot be read this cannot be known, and is
// said so, never assumed either way.
import type { HealthItem, StatusReport } from '../../contract/index.js';
import type { CloudProbe } from './cloud-probe.js';
import { failed, fine, problem } from './item.js';

export function keysHealth(probe: CloudProbe, rotation: StatusReport['keyRotation']): HealthItem {
  if (rotation === 'running') return problem('keys', 'reminder', "the cloud copy is being re-encrypted under the vault's new keys");
  if (probe.failure && (probe.state === 'rotated-elsewhere' || probe.state === 'rotation-pending')) return failed('keys', 'stopped', probe.failure);
  if (rotation === 'interrupted') return problem('keys', 'stopped', 'a key rotation on this computer did not finish', 'finish-key-rotation');
  if (probe.state === 'current') return fine('keys', "this computer has the vault's current keys");
  return problem(
    'keys',
    'reminder',
    "whether the vault's keys were changed on another computer is checked once the cloud's key file can be read",
    probe.failure?.next,
  );
}
