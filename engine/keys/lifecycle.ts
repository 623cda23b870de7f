// The vault's key file through its life on this computer: created with the
// vault, opened by an unlock (and, when another computer rotated the keys,
// taken on from the cloud), its passphrase and recovery key replaced, the
// union's escrow slot added or removed. The key file lives twice: in the
// cloud (casevault.key, for recovery on a new computer) and in
// CASEVAULT_HOME (so an unlock needs no cloud). Spec: docs/format.md.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  addEscrowSlot,
  BadRecoveryKey,
  createKeyFile,
  decodeRecoveryKey,
  encodeRecoveryKey,
  escrowFingerprint,
  escrowPublicKeyOf,
  fromBase64,
  KDF_PROFILES,
  keyring,
  openKeyFile,
  parseKeyFile,
  ready,
  removeEscrowSlot,
  rewrapPassphrase,
  rewrapRecovery,
  serializeKeyFile,
  vaultFingerprint,
  wipeKeys,
  WrongSecret,
  type KdfProfile,
  type KeyFile,
  type ReadKeys,
  type Secret,
} from '../../crypto/index.js';
import type { AnySecretInput } from '../../contract/index.js';
import { configWriteKeys, ensureFreshHome, loadConfig, newConfig, type VaultConfig } from '../config.js';
import type { Core } from '../core.js';
import { Damaged, Refused, UsageError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { withHomeLock } from '../fsutil/lockfile.js';
import { homeFiles } from '../home.js';
import { checkBackupApart, checkLayout, checkS3Apart } from '../mirror/layout.js';
import { renameSyncRecords, moveHomeToKeys } from './rotation-steps.js';
import { checkEscrowPin, confirmedEscrowKey, escrowPinOf, openEscrowKey, writeEscrowReceipt } from './escrow.js';
import { passphraseStrength } from './passphrase.js';
import { recoveryKeyConfirmed, recoveryKeyId, recoveryKeyMade } from './recovery-confirmation.js';
import type { InitOptions } from '../engine.js';
import { readIfExists, statIfExists } from '../fsutil/read.js';
import { KEY_FILE_NAME, readKeyFileBytes } from './cloud-key-file.js';
import type { Remote } from '../remotes/remote.js';
import { keepS3Connection } from '../remotes/open-cloud.js';
import { s3FromEnv } from '../remotes/s3/location.js';
import { deviceNameOf } from '../devices/this-device.js';

/** The Argon2id cost: asked for, else CASEVAULT_KDF_PROFILE, else 'moderate'. */
export function kdfProfile(env: NodeJS.ProcessEnv, requested?: KdfProfile): KdfProfile {
  const p = requested ?? env.CASEVAULT_KDF_PROFILE ?? 'moderate';
  if (!(p in KDF_PROFILES)) throw new UsageError('the setting CASEVAULT_KDF_PROFILE must be "moderate" or "interactive"', 'set-environment');
  return p as KdfProfile;
}

export async function checkStrength(passphrase: string): Promise<void> {
  const s = await passphraseStrength(passphrase);
  if (!s.ok) throw new UsageError(`that passphrase is too weak: ${s.reason}`);
}

/** Write a key file to the cloud, then to the home (so the home's never runs ahead of the cloud's). */
export async function saveKeyFile(
  home: string,
  remote: { put(name: string, data: Uint8Array): Promise<void>; flush?(): Promise<void> },
  kf: KeyFile,
): Promise<void> {
  const bytes = serializeKeyFile(kf);
  await remote.put(KEY_FILE_NAME, bytes);
  await remote.flush?.();
  await writeFileAtomic(join(home, homeFiles.keyFile), bytes);
}

export async function readLocalKeyFile(home: string): Promise<{ bytes: Uint8Array; kf: KeyFile }> {
  const bytes = new Uint8Array(await readFile(join(home, homeFiles.keyFile)));
  return { bytes, kf: parseKeyFile(bytes) };
}

async function secretOf(s: AnySecretInput): Promise<Secret> {
  if ('escrowKeyFile' in s) return { escrow: await openEscrowKey(s.escrowKeyFile, s.escrowPassphrase) };
  return 'passphrase' in s ? { passphrase: s.passphrase } : { recoveryKey: await decodeRecoveryKey(s.recoveryKey, { nameTheWord: true }) }; // typed by a person: name a wrong word
}

/** Open the key file with a secret, then wipe the secret's key material. */
export async function openWith(kf: KeyFile, s: AnySecretInput): Promise<ReadKeys> {
  const pin = 'escrowKeyFile' in s ? await escrowPinOf(s) : undefined;
  const secret = await secretOf(s);
  try {
    const keys = await openKeyFile(kf, secret);
    if (pin)
      await checkEscrowPin(keys, pin).catch(async (e: unknown) => {
        await wipeKeys(keys);
        throw e;
      });
    return keys;
  } finally {
    const sodium = await ready();
    if ('escrow' in secret) sodium.memzero(secret.escrow.secretKey);
    if ('recoveryKey' in secret) sodium.memzero(secret.recoveryKey);
  }
}

/**
 * Whether the cloud's key file is the one an earlier `init` on this
 * computer wrote before it was killed, before it kept its settings: the
 * home has no settings but holds the very same key file. Its recovery key
 * was never shown and nothing else was written under its keys, so the
 * set-up is done again from the start.
 */
async function interruptedInit(home: string, remote: Pick<Remote, 'stat' | 'get'>): Promise<boolean> {
  const local = await readIfExists(join(home, homeFiles.keyFile));
  if (!local) return false;
  const cloud = await readKeyFileBytes(remote);
  return cloud !== undefined && Buffer.compare(Buffer.from(local), Buffer.from(cloud)) === 0;
}

/** Create a vault. Returns the recovery key's words, to be shown once. */
export async function createVault(core: Core, o: InitOptions, dropbox: InitOptions['dropbox']): Promise<{ recoveryKey: string }> {
  await ensureFreshHome(core.home);
  await checkStrength(o.passphrase);
  await checkLayout(o.vaultDir, o.cloud.kind === 'folder' ? o.cloud.dir : undefined);
  checkS3Apart(o.cloud, o.backupDir);
  const existing = await statIfExists(o.vaultDir);
  if (existing && !existing.isDirectory()) throw new UsageError('the vault path exists and is not a folder', 'choose-other-folder');
  if (o.backupDir?.startsWith('s3://')) {
    // Checked as `backup-folder` checks it (a bucket not there is refused), before anything is made.
    const { checkS3BackupLocation } = await import('../backup/folder.js');
    await checkS3BackupLocation(o.backupDir, async () => o.s3 ?? s3FromEnv(core.env));
  }
  if (o.cloud.kind === 'folder') {
    // Made here only: a folder remote never makes its own root (an unplugged drive's mount point must not become a new cloud).
    await mkdir(o.cloud.dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EEXIST' ? new UsageError('the cloud path exists and is not a folder', 'choose-other-folder') : e;
    });
  }
  if (o.backupDir && !o.backupDir.startsWith('s3://'))
    await checkBackupApart(o.backupDir, o.vaultDir, o.cloud.kind === 'folder' ? o.cloud.dir : undefined, core.home);
  const remote = await core.newRemote(o.cloud, dropbox, o.s3);
  if ((await remote.stat(KEY_FILE_NAME)) && !(await interruptedInit(core.home, remote))) {
    throw new Refused('the cloud folder already holds a Casevault vault', 'recover-instead');
  }
  return withHomeLock(core.home, async () => {
    await mkdir(o.vaultDir, { recursive: true });
    const { keys, keyFile, recoveryKey } = await createKeyFile(o.passphrase, KDF_PROFILES[kdfProfile(core.env, o.kdf)]);
    try {
      // The home's copy first, then the cloud's: a set-up killed between the two is known by that copy (interruptedInit) and done again.
      const bytes = serializeKeyFile(keyFile);
      await writeFileAtomic(join(core.home, homeFiles.keyFile), bytes);
      await remote.put(KEY_FILE_NAME, bytes);
      await remote.flush?.();
      if (dropbox) await core.keepDropboxToken(keys, dropbox);
      await keepS3Connection(core.home, keys, o.cloud, o.s3, core.env, o.backupDir);
      await newConfig(core.home, o.vaultDir, o.cloud, keys, o.backupDir, deviceNameOf(core.env));
      await recoveryKeyMade(core.home);
      core.keepRemote(remote); // a Dropbox sign-in made here keeps working while the vault is locked
      await core.record('vault created');
      return { recoveryKey: await encodeRecoveryKey(recoveryKey) };
    } finally {
      await wipeKeys(keys);
      recoveryKey.fill(0);
    }
  });
}

/**
 * Open the vault's keys with a passphrase, recovery key or escrow key. The
 * home's key file first; if the secret does not open it but opens the
 * cloud's, and the cloud's holds this computer's keys among its earlier
 * ones, the keys were rotated on another computer and this one takes them
 * on. Failed attempts are recorded.
 */
export async function unlockKeys(core: Core, s: AnySecretInput): Promise<{ keys: ReadKeys; adopted: boolean }> {
  const config = await loadConfig(core.home);
  const { kf } = await readLocalKeyFile(core.home);
  let keys: ReadKeys;
  try {
    keys = await openWith(kf, s);
  } catch (e) {
    if (e instanceof WrongSecret) {
      const adopted = await adoptRotatedKeys(core, config, kf, s);
      if (adopted) return { keys: adopted, adopted: true };
    }
    if (e instanceof WrongSecret || e instanceof BadRecoveryKey) await core.record('unlock failed', describeSecret(s));
    throw e;
  }
  const pinned = configWriteKeys(config);
  if (!Buffer.from(keys.vaultId).equals(Buffer.from(pinned.vaultId)) || !Buffer.from(keys.publicKey).equals(Buffer.from(pinned.publicKey))) {
    await wipeKeys(keys);
    throw new Damaged('the key file does not belong to this vault', 'restore-cloud-key-file');
  }
  return { keys, adopted: false };
}

export function describeSecret(s: AnySecretInput): string {
  return 'passphrase' in s ? 'with the passphrase' : 'recoveryKey' in s ? 'with the recovery key' : "with the union's escrow key";
}

/**
 * Another computer rotated the vault's keys: the cloud's key file opens
 * with the secret given (the new passphrase) and holds this computer's
 * keys among its earlier ones. Then this computer takes the new keys on
 * (key file, settings, sealed sign-in, audit trail, sync records) and they
 * are returned. Undefined if that is not the case (the secret is simply wrong).
 */
async function adoptRotatedKeys(core: Core, config: VaultConfig, local: KeyFile, s: AnySecretInput): Promise<ReadKeys | undefined> {
  const remote = await core.remote(config).catch(() => undefined);
  const bytes = remote ? await readKeyFileBytes(remote).catch(() => undefined) : undefined;
  if (!remote || !bytes) return undefined;
  let cloud: KeyFile;
  try {
    cloud = parseKeyFile(bytes);
  } catch {
    return undefined;
  }
  if (cloud.vaultId !== local.vaultId || cloud.publicKey === local.publicKey) return undefined; // another vault, or no rotation: the secret is just wrong
  const keys = await openWith(cloud, s).catch(() => undefined);
  if (!keys) return undefined;
  const pinned = configWriteKeys(config).publicKey;
  if (
    !keyring(keys)
      .slice(1)
      .some((k) => Buffer.from(k.publicKey).equals(Buffer.from(pinned)))
  ) {
    await wipeKeys(keys);
    return undefined;
  }
  try {
    await core.exclusive(async () => {
      await writeFileAtomic(join(core.home, homeFiles.keyFile), bytes);
      await moveHomeToKeys({ home: core.home, config, remote, keys });
      await renameSyncRecords(core.home, keys);
    });
    await core
      .backups()
      .then((b) => b.adoptKeys())
      .catch(() => 'later');
  } catch (e) {
    await wipeKeys(keys);
    throw e;
  }
  return keys;
}

/** Replace the key file in the cloud and the home, under the vault's lock. */
async function rewriteKeyFile(core: Core, edit: (kf: KeyFile) => Promise<KeyFile>): Promise<void> {
  const config = await loadConfig(core.home);
  await core.exclusive(async () => {
    const { kf } = await readLocalKeyFile(core.home);
    await saveKeyFile(core.home, await core.remote(config), await edit(kf));
  });
}

/** A new passphrase: the master secret is wrapped again, nothing is re-encrypted. The Argon2 cost is kept if it is at least the profile's. */
export async function changePassphrase(core: Core, newPassphrase: string): Promise<void> {
  const keys = core.requireKeys();
  await checkStrength(newPassphrase);
  const profile = KDF_PROFILES[kdfProfile(core.env)];
  await rewriteKeyFile(core, async (kf) => {
    const current = kf.slots.find((s) => s.role === 'passphrase');
    const kdf = current?.role === 'passphrase' && current.mem >= profile.mem ? { ops: current.ops, mem: current.mem } : profile;
    return rewrapPassphrase(kf, keys, newPassphrase, kdf);
  });
  await core.record('passphrase changed');
}

/** Replace the recovery key (the old one stops working). Returns the new words, to be shown once. */
export async function newRecoveryKey(core: Core): Promise<{ recoveryKey: string; id: string }> {
  const keys = core.requireKeys();
  let words = '';
  let id = '';
  // Recorded as not typed back before either key file changes: a run killed after the cloud's copy (or both) took a key nobody was shown must not leave the old key "typed back".
  await recoveryKeyMade(core.home);
  try {
    await rewriteKeyFile(core, async (kf) => {
      const { keyFile, recoveryKey } = await rewrapRecovery(kf, keys);
      words = await encodeRecoveryKey(recoveryKey);
      recoveryKey.fill(0);
      id = recoveryKeyId(keyFile);
      return keyFile;
    });
  } finally {
    await core.record('recovery key replaced');
  }
  return { recoveryKey: words, id };
}

/**
 * The person typed the recovery key back: it must open this vault's key
 * file (its recovery slot: no Argon2 needed). Recorded, so the vault's health
 * stops asking for it.
 */
export async function confirmRecoveryKey(core: Core, words: string): Promise<{ confirmed: true }> {
  const { kf, bytes } = await readLocalKeyFile(core.home);
  const keys = await openWith(kf, { recoveryKey: words });
  await wipeKeys(keys);
  await cloudCopyOpensWith(core, bytes, kf.vaultId, words);
  await recoveryKeyConfirmed(core.home);
  await core.record('recovery key confirmed');
  return { confirmed: true };
}

/**
 * The cloud's key file, where it can be read now and differs from this
 * computer's copy, must open with the recovery key too: a replacement killed
 * between the cloud's copy and this computer's leaves in the cloud a key
 * nobody was shown, and a key that opens only this computer's copy does not
 * get the vault back on another (WrongSecret). Out of reach, damaged or
 * another vault's: this computer's copy is what can be checked now (sync and
 * verify report the rest).
 */
async function cloudCopyOpensWith(core: Core, local: Uint8Array, vaultId: string, words: string): Promise<void> {
  let cloud: KeyFile;
  try {
    const bytes = await readKeyFileBytes(await core.remote(await loadConfig(core.home)));
    if (!bytes || Buffer.from(bytes).equals(local)) return;
    cloud = parseKeyFile(bytes);
  } catch {
    return;
  }
  if (cloud.vaultId !== vaultId) return;
  try {
    await wipeKeys(await openWith(cloud, { recoveryKey: words }));
  } catch (e) {
    if (!(e instanceof WrongSecret)) throw e;
    throw new WrongSecret(
      "this recovery key opens this computer's key file but not the cloud copy's, so it would not get the vault back on another computer: a new recovery key was made since (on another computer, or by a replacement here that did not finish); make a new one",
    );
  }
}

/**
 * The vault's escrow slot, if it has one: its fingerprint (computed from the
 * public key, not taken from the file), and the vault fingerprint an escrow
 * receipt pins (from this computer's own key file), for a union whose
 * escrow key was added before receipts existed.
 */
export async function escrowShow(home: string): Promise<{ fingerprint: string; vaultFingerprint: string } | null> {
  const { kf } = await readLocalKeyFile(home);
  const pk = escrowPublicKeyOf(kf);
  return pk
    ? { fingerprint: await escrowFingerprint(pk), vaultFingerprint: await vaultFingerprint(fromBase64(kf.vaultId, 16), fromBase64(kf.publicKey, 32)) }
    : null;
}

/** Add (or replace) the escrow slot for the union's public key, once a person has confirmed its fingerprint. Needs the vault unlocked. */
export async function escrowAdd(
  core: Core,
  publicKeyFile: string,
  fingerprint: string,
  receiptFile?: string,
): Promise<{ fingerprint: string; vaultFingerprint: string; receiptFile?: string }> {
  const keys = core.requireKeys();
  const confirmed = await confirmedEscrowKey(publicKeyFile, fingerprint);
  await rewriteKeyFile(core, (kf) => addEscrowSlot(kf, keys, confirmed.publicKey));
  await core.record('escrow key added', `fingerprint ${confirmed.fingerprint}`);
  return { fingerprint: confirmed.fingerprint, ...(await writeEscrowReceipt(keys, confirmed.fingerprint, receiptFile)) };
}

/**
 * Remove the escrow slot from the key file, here and in the cloud. Earlier
 * copies of the key file (a cloud's version history, a backup, a handover)
 * still open with the union's key to these same keys: only a key rotation
 * makes them stale, so that is the next step offered.
 */
export async function escrowRemove(core: Core): Promise<{ removed: boolean; next?: 'rotate-keys' }> {
  const keys = core.requireKeys();
  const had = (await escrowShow(core.home)) !== null;
  if (!had) return { removed: false };
  await rewriteKeyFile(core, (kf) => removeEscrowSlot(kf, keys));
  await core.record('escrow key removed');
  return { removed: true, next: 'rotate-keys' };
}
