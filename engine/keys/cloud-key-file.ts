// The cloud's key file, judged against the keys this computer pinned: the
// one check that stands between this computer and the cloud. Nothing is
// written to the cloud unless its key file is there, is this vault's, and
// carries this computer's keys. A cloud folder that is not there, or holds
// no key file, is a drive unplugged, a share not mounted or a sync app that
// has not finished, never a new cloud to fill; a key file that is there but
// damaged, another vault's or an old one of this vault is tampering (or a
// sync client's mistake); one with other keys of this vault means they were
// rotated (on another computer, or here by a run that did not finish). The
// sync pass refuses on any of these, the vault's health reports them, and
// both say it with the sentences below.
//
// The cloud's copy of the key file (casevault.key) is read with a bound: the
// cloud may put anything under that name, and every sync, verify, recover
// and unlock reads it: a stat first, then at most one key file's worth of
// bytes (64 KiB), so a gigabyte planted there costs nothing but a refusal.
// Spec: docs/format.md ("Key file").
import { DamagedData, KEYFILE_MAX_BYTES, concat, parseKeyFile, rotatedFromKeys, toBase64, type KeyFile } from '../../crypto/index.js';
import type { CloudSpec } from '../../contract/index.js';
import { Damaged, Refused, Unreachable } from '../errors.js';
import { statIfExists } from '../fsutil/read.js';
import { homeFiles } from '../home.js';
import { describeCloud } from '../remotes/open-cloud.js';
import { RemoteNotFound, type Remote } from '../remotes/remote.js';
import { rotationPending } from './rotation-steps.js';

/** The key file's name in the cloud copy (the same as the home's copy). */
export const KEY_FILE_NAME = homeFiles.keyFile;

const tooLarge = () =>
  new DamagedData(
    "the cloud copy's key file is larger than any key file can be, so it was not read; put back a good copy of casevault.key (every computer using the vault keeps one in Casevault's settings folder)",
  );

/** The cloud's key file, or undefined if there is none. DamagedData, after reading no more than 64 KiB, if it is larger than a key file. */
export async function readKeyFileBytes(remote: Pick<Remote, 'stat' | 'get'>): Promise<Uint8Array | undefined> {
  const st = await remote.stat(KEY_FILE_NAME);
  if (!st) return undefined;
  if (st.size > KEYFILE_MAX_BYTES) throw tooLarge();
  // The size can change after the stat (the cloud writes again): the read stops at the bound whatever the stat said.
  const pieces: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const piece of remote.get(KEY_FILE_NAME)) {
      total += piece.length;
      if (total > KEYFILE_MAX_BYTES) throw tooLarge();
      pieces.push(piece);
    }
  } catch (e) {
    if (e instanceof RemoteNotFound) return undefined; // gone since the stat
    throw e;
  }
  return concat(...pieces);
}

/** What the cloud's key file is, for this computer. */
export type CloudKeyState = 'current' | 'absent' | 'damaged' | 'foreign' | 'old' | 'rotated-elsewhere' | 'rotation-pending' | 'forged';

export interface CloudKeyCheck {
  home: string;
  cloud: CloudSpec;
  remote: Remote;
  /** The vault's ID and public key pinned in this computer's settings. */
  vaultId: Uint8Array;
  publicKey: Uint8Array;
  /** This computer's auth key: a key file with other keys must prove it succeeds these (a rotation's `rotatedFrom`, docs/format.md). */
  authKey: Uint8Array;
  /** The vault's public keys from before a key rotation here (config.json). */
  retiredPublicKeys?: readonly string[];
}

/**
 * Reads the cloud's key file and says what it is. A folder cloud whose
 * folder is not there is refused first (Unreachable), so nothing, not even
 * a read, is mistaken for an empty cloud; the remote's own failures (offline,
 * signed out) pass through.
 */
export async function readCloudKeyFile(c: CloudKeyCheck): Promise<{ state: CloudKeyState; bytes?: Uint8Array }> {
  if (c.cloud.kind === 'folder' && !(await statIfExists(c.cloud.dir))?.isDirectory()) throw folderMissing(c.cloud.dir);
  const bytes = await readKeyFileBytes(c.remote).catch((e: unknown) => {
    if (e instanceof DamagedData) return 'too large' as const; // larger than any key file: not read
    throw e;
  });
  if (bytes === 'too large') return { state: 'damaged' };
  if (!bytes) return { state: 'absent' };
  let kf: KeyFile;
  try {
    kf = parseKeyFile(bytes);
  } catch {
    return { state: 'damaged', bytes };
  }
  if (kf.vaultId !== toBase64(c.vaultId)) return { state: 'foreign', bytes };
  if (kf.publicKey === toBase64(c.publicKey)) return { state: 'current', bytes };
  if (c.retiredPublicKeys?.includes(kf.publicKey)) return { state: 'old', bytes };
  if (await rotationPending(c.home)) return { state: 'rotation-pending', bytes };
  // Other keys of this vault: a rotation made by a computer that held these keys proves it; anything else was swapped in or forged.
  return { state: (await rotatedFromKeys(kf, c)) ? 'rotated-elsewhere' : 'forged', bytes };
}

function folderMissing(dir: string): Unreachable {
  return new Unreachable(`the cloud folder ${dir} is not there, so nothing is sent to the cloud`, 'reconnect-cloud');
}

/** Why nothing may be written to the cloud with its key file in `state` (undefined: it may). */
export function cloudKeyProblem(state: CloudKeyState, cloud: CloudSpec): Refused | Damaged | undefined {
  const where = cloud.kind === 'folder' ? `the cloud folder ${cloud.dir}` : describeCloud(cloud);
  switch (state) {
    case 'current':
      return undefined;
    case 'absent':
      return new Refused(
        `${where} holds no key file of this vault (${homeFiles.keyFile}), so nothing is sent to it`,
        cloud.kind === 'folder' ? 'restore-cloud-key-file' : cloud.kind === 's3' ? 'connect-s3' : 'reconnect-dropbox', // a folder: connected, or its copy lost (emptied, reset)
      );
    case 'damaged':
      return new Damaged(`the key file in ${where} is damaged, so nothing is sent to the cloud`, 'restore-cloud-key-file');
    case 'foreign':
      return new Damaged(`the key file in ${where} belongs to another vault, so nothing is sent to the cloud`, 'restore-cloud-key-file');
    case 'old':
      return new Damaged(
        "the cloud's key file is an old one of this vault, from before its keys were rotated (put back by someone, or by a sync client), so nothing is sent to the cloud",
        'restore-cloud-key-file',
      );
    case 'forged':
      return new Damaged(
        "the cloud's key file was swapped in or forged: it is not this computer's, nor a key rotation made by a computer that held this vault's keys, so nothing is sent to the cloud (if the keys were rotated elsewhere with a Casevault older than this one, unlocking with the new passphrase takes them on)",
        'restore-cloud-key-file',
      );
    case 'rotation-pending':
      return new Refused('a key rotation on this computer did not finish, so nothing is sent to the cloud', 'finish-key-rotation');
    case 'rotated-elsewhere':
      return new Refused(
        "the vault's keys were changed on another computer, so nothing is sent to the cloud until the new passphrase is typed on this computer",
        'unlock-with-new-passphrase',
      );
  }
}

/** Before anything is written to the cloud: its key file must be there, this vault's, with this computer's keys. */
export async function assertCloudWritable(c: CloudKeyCheck): Promise<void> {
  const problem = cloudKeyProblem((await readCloudKeyFile(c)).state, c.cloud);
  if (problem) throw problem;
}

/**
 * Before the cloud copy is read back and checked: the same refusals for
 * keys that moved on or an old key file put back (reading under them would
 * report nonsense), while a key file that is absent, damaged or another
 * vault's is for the check itself to report. Returns the key file as read.
 */
export async function assertCloudKeys(c: CloudKeyCheck): Promise<Uint8Array | undefined> {
  const { state, bytes } = await readCloudKeyFile(c);
  if (state === 'old' || state === 'rotated-elsewhere' || state === 'rotation-pending' || state === 'forged') throw cloudKeyProblem(state, c.cloud)!;
  return bytes;
}

/**
 * Put this computer's copy of the key file (`local`, its pinned keys') into
 * the cloud, where the cloud holds none of this vault or a damaged, old or
 * forged one: the fix those states name (restore-cloud-key-file). Another
 * vault's key file is never written over (the folder may be that vault's
 * cloud copy); keys changed elsewhere, or a rotation here, have their own fix.
 */
export async function putBackKeyFile(c: CloudKeyCheck, local: Uint8Array): Promise<boolean> {
  const kf = parseKeyFile(local);
  if (kf.vaultId !== toBase64(c.vaultId) || kf.publicKey !== toBase64(c.publicKey))
    throw new Refused("this computer's copy of the key file does not hold the keys this computer uses, so it is not put into the cloud", 'retry-or-report');
  const { state } = await readCloudKeyFile(c);
  if (state === 'current') return false; // nothing to put back
  if (state === 'foreign')
    throw new Refused(
      `the key file in ${describeCloud(c.cloud)} belongs to another vault, so it is left as it is (that folder may be the other vault's cloud copy); if the folder is this vault's and the file was put there by mistake, move that file out of it, then put this computer's key file back`,
    );
  if (state === 'rotated-elsewhere' || state === 'rotation-pending') throw cloudKeyProblem(state, c.cloud)!;
  await c.remote.put(KEY_FILE_NAME, local);
  await c.remote.flush?.();
  return true;
}
