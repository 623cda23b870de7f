// How a folder remote's file-system errors become the Remote failure classes
// (remote.ts), shared by FolderRemote and the backup repository's
// FolderStorage so both word a missing drive, a full disk or a read-only
// share alike.
//
// The root is the special case: when it is not there as a folder (an
// unplugged drive, an unmounted share, a deleted sync folder) every failure
// is RemoteUnavailable, never "absent": the objects are not gone, their
// drive is. EIO and the network file systems' errors are unavailable too:
// on the USB drives and shares this runs on they mostly mean that the
// device or the connection went away in the middle of a call, which a later
// try survives, and a disk that is truly failing keeps failing and stays in
// view; taken as permanent, a share that dropped for a minute would mark
// files as failed. Any other code is a refused request (a file or folder in
// the way of Casevault's own has its own words).
import { statSync } from 'node:fs';
import { RemoteError, RemotePermanent, RemoteUnavailable, unavailable } from './remote.js';

/** Codes that say "nothing there": of the object asked for, or (checked) of the root. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

const GONE_FOR_NOW = new Set([
  'EIO',
  'ENXIO',
  'ENODEV',
  'ENOMEDIUM',
  'ENOTCONN',
  'ESTALE',
  'ETIMEDOUT',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ENETUNREACH',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EAGAIN',
  'EBUSY',
  'EINTR',
  'EMFILE',
  'ENFILE',
]);

/** The errno code of a system error ("ENOENT"), or undefined for any other error (Node's own "ERR_..." codes included). */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

export class FolderFailures {
  /** `label` names the folder in messages: "cloud folder", "backup folder". */
  constructor(
    private readonly root: string,
    private readonly label: string,
  ) {}

  /** Whether the root is there as a folder. */
  rootThere(): boolean {
    try {
      return statSync(this.root).isDirectory();
    } catch (e) {
      if (ABSENT.has(errnoCode(e) ?? '')) return false;
      throw this.failure(e);
    }
  }

  /** The root is not there. */
  gone(): RemoteUnavailable {
    return unavailable(`the ${this.label} ${this.root} is not there`, 'plug in its drive or connect its share, then try again');
  }

  /** Whether `e` says that the object asked for is absent. Throws gone() instead when the root itself is not there. */
  absent(e: unknown): boolean {
    if (!ABSENT.has(errnoCode(e) ?? '')) return false;
    if (!this.rootThere()) throw this.gone();
    return true;
  }

  /** `e` as one of the failure classes; an error that is not the file system's (a bug) or is one already, as it is. */
  failure(e: unknown): unknown {
    const code = errnoCode(e);
    if (code === undefined || e instanceof RemoteError) return e;
    if (ABSENT.has(code) && !this.rootThere()) return this.gone();
    const { label, root } = this;
    switch (code) {
      case 'ENOENT':
        return new RemoteUnavailable(`the ${label} ${root} changed while Casevault was using it; try again`);
      case 'EACCES':
      case 'EPERM':
        return new RemotePermanent('permission', `Casevault is not allowed to use the ${label} ${root}; check its permissions and try again`);
      case 'EROFS':
        return new RemotePermanent('permission', `the ${label} ${root} is read-only; make it writable and try again`);
      case 'ENOSPC':
      case 'EDQUOT':
        return new RemotePermanent('full', `the ${label}'s disk is full; free some space and try again`);
      case 'EISDIR':
      case 'ENOTDIR':
      case 'ENOTEMPTY':
      case 'EEXIST':
        return new RemotePermanent('refused', `a file or folder in the ${label} ${root} is in the way of Casevault's own; check the folder and try again`);
      default:
        if (GONE_FOR_NOW.has(code))
          return unavailable(`the ${label} ${root} did not answer (its drive or share failed or went away)`, 'check it and try again');
        return new RemotePermanent('refused', `the ${label} ${root} refused the request (${code}); check the folder and try again`);
    }
  }
}
