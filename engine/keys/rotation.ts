// Rotating the vault's keys after a computer is lost, in two steps so the
// new recovery key cannot be lost: rotateKeys() switches this computer to
// new keys at once and returns the recovery key to show; once it has been
// shown, finishKeyRotation() re-encrypts the cloud copy. Both can be run
// again after a kill (the mechanics, each repeatable, are in
// rotation-steps.ts). Spec: docs/key-rotation.md.
import {
  encodeRecoveryKey,
  KDF_PROFILES,
  markCloudReencrypted,
  openKeyFile,
  rewrapRecovery,
  rotateKeyFile,
  toBase64,
  wipeKeys,
  WrongSecret,
  type ReadKeys,
} from '../../crypto/index.js';
import type { ReencryptReport, RotateReport } from '../../contract/index.js';
import { loadConfig } from '../config.js';
import type { Core } from '../core.js';
import { Refused, UsageError } from '../errors.js';
import { checkStrength, kdfProfile, readLocalKeyFile, saveKeyFile } from './lifecycle.js';
import { recoveryKeyMade } from './recovery-confirmation.js';
import { endRotation, loadRotation, moveHomeToKeys, reencryptCloud, saveRotation, type PendingRotation } from './rotation-steps.js';

/**
 * Step 1: new keys and a new passphrase (not the current one: the lost
 * computer's key file opens with it) and recovery key; this computer
 * switches to them at once, so nothing written from now on reads with the
 * old keys. Returns the recovery key's words, to be shown once (null when
 * finishing a rotation whose key was shown already). Needs the vault
 * unlocked, except to pick up a rotation that was interrupted: that takes
 * only the new passphrase.
 */
export async function rotateKeys(core: Core, o: { newPassphrase: string }): Promise<RotateReport> {
  const config = await loadConfig(core.home);
  const remote = await core.remote(config);
  let fresh = false;
  const report = await core.exclusive(async () => {
    let pending = await loadRotation(core.home);
    let keys = pending
      ? await openKeyFile(pending.keyFile, { passphrase: o.newPassphrase }).catch((e: unknown) => {
          if (e instanceof WrongSecret) return undefined;
          throw e;
        })
      : undefined;
    if (pending && !keys) {
      if (!core.keys || pending.keyFile.publicKey === config.publicKey) {
        throw new WrongSecret(
          'a key rotation was started on this computer and not finished: type the new passphrase chosen then to finish it (if it is forgotten and this computer never switched to the new keys, unlock with the current passphrase and choose again)',
        );
      }
      // A rotation that never switched this computer (nothing was written under its keys), and another passphrase: the person chose again.
      await endRotation(core.home);
      pending = undefined;
    }
    if (!pending || !keys) {
      ({ pending, keys } = await startRotation(core, o.newPassphrase));
      fresh = true;
      await core.record('vault key rotation started');
    }
    return switchToNewKeys(core, pending, keys, remote, config);
  });
  const backups = { rewrapped: 're-wrapped', later: 'to be re-wrapped at the next backup', none: 'not needed (no backups yet)' }[report.backups];
  await core.record(
    fresh ? 'vault keys rotated' : 'vault key rotation resumed',
    `new passphrase${report.recoveryKey ? ' and recovery key' : ''}; backup folder key ${backups}; the cloud copy is re-encrypted next`,
  );
  return report;
}

/** New keys for the vault, kept in the home before anything changes. */
async function startRotation(core: Core, newPassphrase: string): Promise<{ pending: PendingRotation; keys: ReadKeys }> {
  const old = core.requireKeys();
  await checkStrength(newPassphrase);
  const { kf } = await readLocalKeyFile(core.home);
  if (
    await openKeyFile(kf, { passphrase: newPassphrase }).then(
      async (k) => (await wipeKeys(k), true),
      () => false,
    )
  ) {
    throw new UsageError(
      "a new passphrase is needed, not the current one: the lost computer's copy of the key file opens with the current one",
      'choose-new-passphrase',
    );
  }
  const rotated = await rotateKeyFile(kf, old, newPassphrase, KDF_PROFILES[kdfProfile(core.env)]);
  const pending = { keyFile: rotated.keyFile, recoveryShown: false };
  await saveRotation(core.home, pending).catch(async (e: unknown) => {
    await wipeKeys(rotated.keys);
    throw e;
  });
  return { pending, keys: rotated.keys };
}

/** The cloud's and the home's key files, the settings and the sealed secrets move to the new keys; this computer holds them from now on. */
async function switchToNewKeys(
  core: Core,
  pending: PendingRotation,
  keys: ReadKeys,
  remote: Awaited<ReturnType<Core['remote']>>,
  config: Awaited<ReturnType<typeof loadConfig>>,
): Promise<RotateReport> {
  try {
    // The newest key file of these keys: the home's, once a run got that far.
    const home = await readLocalKeyFile(core.home).then(
      ({ kf }) => kf,
      () => undefined,
    );
    let keyFile = home && home.publicKey === pending.keyFile.publicKey ? home : pending.keyFile;
    let words: string | null = null;
    if (!pending.recoveryShown) {
      // A recovery key nobody has seen yet: replaced, so the one shown now is the one that works.
      const rewrapped = await rewrapRecovery(keyFile, keys);
      keyFile = rewrapped.keyFile;
      words = await encodeRecoveryKey(rewrapped.recoveryKey);
      rewrapped.recoveryKey.fill(0);
    }
    await saveKeyFile(core.home, remote, keyFile);
    if (words) await recoveryKeyMade(core.home);
    await moveHomeToKeys({ home: core.home, config, remote, keys });
    await core.holdKeys(keys); // the old keys are wiped: nothing is written under them from now on
    return { recoveryKey: words, backups: await (await core.backups()).adoptKeys() };
  } catch (e) {
    if (core.keys !== keys) await wipeKeys(keys);
    throw e;
  }
}

/**
 * Step 2 (after the new recovery key was shown): re-encrypt every cloud
 * object still under the old keys, deleting the old copies, then stop
 * accepting the old keys for cloud objects. Needs the vault unlocked with
 * the new keys. Repeatable until it finishes.
 */
export async function finishKeyRotation(core: Core): Promise<ReencryptReport> {
  const config = await loadConfig(core.home);
  // Called once the new recovery key has been shown: from now on a resume keeps that key (even if this call stops at the unlock).
  const shown = await loadRotation(core.home);
  if (shown && !shown.recoveryShown && shown.keyFile.publicKey === config.publicKey) await saveRotation(core.home, { ...shown, recoveryShown: true });
  const keys = core.requireKeys();
  const remote = await core.remote(config);
  const report = await core.exclusive(async () => {
    const pending = await loadRotation(core.home);
    if (!pending) throw new UsageError('no key rotation is waiting to be finished on this computer');
    if (pending.keyFile.publicKey !== config.publicKey || config.publicKey !== toBase64(keys.publicKey)) {
      throw new Refused('the key rotation has not switched this computer to the new keys yet', 'finish-key-rotation');
    }
    const r = await reencryptCloud({ home: core.home, remote, keys, emit: core.emit });
    if (r.unreadableNow > 0) {
      throw new Refused(
        `${r.unreadableNow} cloud ${r.unreadableNow === 1 ? 'object' : 'objects'} could not be read just now (the connection or the cloud folder), so the rotation is not finished; nothing is lost`,
        'finish-key-rotation',
      );
    }
    const { kf } = await readLocalKeyFile(core.home);
    await saveKeyFile(core.home, remote, await markCloudReencrypted(kf, keys));
    await endRotation(core.home);
    return { reencrypted: r.reencrypted, failed: r.failed, reuploaded: r.reuploaded };
  });
  await core.record(
    'cloud copy re-encrypted under the new vault keys',
    `${report.reencrypted} objects re-encrypted and their old copies deleted${report.failed.length ? `; ${report.failed.length} unreadable (${report.reuploaded} of them this computer's files, to be uploaded again)` : ''}`,
  );
  return report;
}
