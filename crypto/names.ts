// Object names and path safety. The cloud sees only a keyed hash of each
// file's path, flat under objects/ (sharded by its first two hex digits):
// nothing of the folder tree, the name's length or its characters. The path
// is compared exactly (no Unicode normalisation), so NFC and NFD spellings of
// one name are two files, as they are on Linux.
import { concat, toHex, utf8 } from './bytes.js';
import { UnsafePath } from './errors.js';
import { ready } from './sodium.js';

export const OBJECT_ID_BYTES = 32;
/** The longest path (in UTF-8 bytes) a vault holds. */
export const MAX_PATH_BYTES = 16 * 1024;

/** The 32-byte object ID of a vault path. */
export async function objectId(nameKey: Uint8Array, path: string): Promise<Uint8Array> {
  const sodium = await ready();
  return sodium.crypto_generichash(OBJECT_ID_BYTES, concat(utf8('casevault path v1\0'), utf8(path)), nameKey);
}

/** Remote name of an object: objects/<first 2 hex>/<64 hex>. */
export function objectRemoteName(id: Uint8Array): string {
  const hex = toHex(id);
  return `objects/${hex.slice(0, 2)}/${hex}`;
}

const HEX_ID = /^[0-9a-f]{64}$/;

/**
 * The hex ID in a remote object name, or undefined if the name is not an
 * object's. Checked character by character before one test without
 * captures: a sync or status lists every object of the cloud (100,000 names).
 */
export function parseObjectRemoteName(name: string): string | undefined {
  if (name.length !== 75 || !name.startsWith('objects/') || name[10] !== '/' || name[8] !== name[11] || name[9] !== name[12]) return undefined;
  const id = name.slice(11);
  return HEX_ID.test(id) ? id : undefined;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Throws UnsafePath unless `path` is a relative, '/'-separated vault path
 * that stays inside any folder it is joined to on `platform`: no empty, '.'
 * or '..' segment, no leading '/', no NUL; on Windows also no drive letter,
 * network path, backslash, reserved device name, or character Windows
 * forbids. Elsewhere `C:x` or a name starting with two backslashes is an
 * ordinary name (a Linux file may be called `a:b`) that stays inside its
 * folder, and refusing it would lose a file synced from there.
 */
export function assertSafeVaultPath(path: string, platform: NodeJS.Platform = process.platform): void {
  const bad = (why: string) => new UnsafePath(`a stored file path is unsafe (${why}) and was refused`);
  if (typeof path !== 'string' || path.length === 0) throw bad('empty');
  if (utf8(path).length > MAX_PATH_BYTES) throw bad('too long');
  if (path.includes('\0')) throw bad('contains NUL');
  if (path.startsWith('/')) throw bad('absolute');
  if (platform === 'win32') {
    if (/^[A-Za-z]:/.test(path)) throw bad('drive letter');
    if (path.startsWith('\\\\')) throw bad('network path');
  }
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('empty, . or .. segment');
    if (platform === 'win32') {
      // eslint-disable-next-line no-control-regex -- control characters are among those Windows forbids in a name
      if (/[\\<>:"|?*\x00-\x1f]/.test(seg)) throw bad('character Windows forbids');
      if (WINDOWS_RESERVED.test(seg) || /[. ]$/.test(seg)) throw bad('name Windows reserves');
    }
  }
}
