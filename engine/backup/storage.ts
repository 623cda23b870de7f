// Where a backup repository lives: a Remote (atomic whole-object writes,
// listing, delete) plus the two things a repository needs beyond it: reading
// a byte range of a pack (restore reads one blob, not a 16 MiB pack), and
// creating a file only if it does not exist (the repository lock). The
// folder backend does both with the file system; an object store would use
// ranged GETs and conditional PUTs. Their failures are the Remote failure
// classes too (engine/remotes/remote.ts), mapped as the folder remote maps
// its own.
import { closeSync, readSync } from 'node:fs';
import { link, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempName, writeTemp } from '../fsutil/atomic.js';
import { NotRegularFile, openRegularSync } from '../fsutil/open-regular.js';
import { lstatIfExists } from '../fsutil/read.js';
import { errnoCode, FolderFailures } from '../remotes/folder-errors.js';
import { FolderRemote } from '../remotes/folder.js';
import { RemoteNotFound, assertRemoteName, unavailable, type Remote } from '../remotes/remote.js';
import { parseS3Url } from '../remotes/s3/location.js';
import type { S3ConnectionSource } from '../remotes/s3/remote.js';
import { S3Storage } from '../remotes/s3/storage.js';

export interface RepoStorage {
  readonly remote: Remote;
  /** Exactly `length` bytes at `offset`, or fewer at the end of the object. Throws RemoteNotFound. */
  readRange(name: string, offset: number, length: number): Promise<Uint8Array>;
  /** Write `data` under `name` only if nothing is there, never seen half written where the storage allows it; false if something is there. */
  createExclusive(name: string, data: Uint8Array): Promise<boolean>;
  /** When `name` was last written (ms), where the storage can say: a lock with no readable owner is judged by its age. */
  modifiedAt?(name: string): Promise<number | undefined>;
  /** Whether something other than a regular file (a folder, a pipe, a link) is at `name`: never a lock of Casevault's, and never followed or opened. */
  holdsOther?(name: string): Promise<boolean>;
  /** Whether the location exists, and whether it holds anything (an operating system's scratch files aside). */
  probe(): Promise<'missing' | 'empty' | 'used'>;
  /** Create the location itself (its parent must exist: a missing drive is never created as a folder; RemoteUnavailable). */
  create(): Promise<void>;
  /** Release cached file handles. */
  close?(): void;
}

const MAX_OPEN = 32;

const SCRATCH = /^(\.DS_Store|Thumbs\.db|desktop\.ini)$/i;

const LABEL = 'backup folder';

export class FolderStorage implements RepoStorage {
  readonly remote: Remote;
  private readonly fail: FolderFailures;

  constructor(
    readonly root: string,
    remote?: Remote,
  ) {
    this.remote = remote ?? new FolderRemote(root, LABEL);
    this.fail = new FolderFailures(root, LABEL);
  }

  private path(name: string): string {
    assertRemoteName(name);
    return join(this.root, ...name.split('/'));
  }

  private readonly fds = new Map<string, number>();

  /**
   * Reads with synchronous calls on cached descriptors: a blob read is a
   * page-cache copy, cheaper than a thread-pool round trip.
   */
  async readRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    let fd = this.fds.get(name);
    if (fd === undefined) {
      try {
        fd = openRegularSync(this.path(name)).fd;
      } catch (e) {
        if (e instanceof NotRegularFile || this.fail.absent(e)) throw new RemoteNotFound(name); // a pipe or device planted there is not a pack
        throw this.fail.failure(e);
      }
      if (this.fds.size >= MAX_OPEN) this.close();
      this.fds.set(name, fd);
    }
    const out = new Uint8Array(length);
    let got = 0;
    try {
      while (got < length) {
        const n = readSync(fd, out, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
    } catch (e) {
      throw this.fail.failure(e);
    }
    return got === length ? out : out.subarray(0, got);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /**
   * A fully written temporary file linked to `name` (link() fails if the name
   * exists), so the file is never seen empty; where the file system has no
   * hard links (FAT, some shares), an exclusive create and write, whose
   * owner a reader may find missing for a moment (see modifiedAt).
   */
  async createExclusive(name: string, data: Uint8Array): Promise<boolean> {
    const target = this.path(name);
    const tmp = tempName(this.root);
    try {
      await writeTemp(tmp, data, 0o600);
      try {
        await link(tmp, target);
        return true;
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EEXIST') return false;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
      }
    } catch (e) {
      throw this.fail.failure(e);
    } finally {
      await rm(tmp, { force: true });
    }
    return this.createWithoutLinks(target, data);
  }

  private async createWithoutLinks(target: string, data: Uint8Array): Promise<boolean> {
    let fh;
    try {
      fh = await open(target, 'wx', 0o600);
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') return false;
      throw this.fail.failure(e);
    }
    try {
      await fh.writeFile(data);
      await fh.sync();
    } catch (e) {
      throw this.fail.failure(e);
    } finally {
      await fh.close();
    }
    return true;
  }

  async modifiedAt(name: string): Promise<number | undefined> {
    return (await lstatIfExists(this.path(name)).catch(() => undefined))?.mtimeMs; // unreadable: no age known, so the caller's default applies
  }

  async holdsOther(name: string): Promise<boolean> {
    const st = await lstatIfExists(this.path(name)).catch(() => undefined); // lstat: a link is not followed, a pipe not opened
    return st !== undefined && !st.isFile();
  }

  async probe(): Promise<'missing' | 'empty' | 'used'> {
    try {
      const names = await readdir(this.root);
      return names.some((n) => !SCRATCH.test(n)) ? 'used' : 'empty';
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') return 'missing';
      if (code === 'ENOTDIR') return 'used';
      throw this.fail.failure(e);
    }
  }

  async create(): Promise<void> {
    await mkdir(this.root, { recursive: false, mode: 0o700 }).catch((e: unknown) => {
      const code = errnoCode(e);
      if (code === 'EEXIST') return;
      if (code === 'ENOENT')
        throw unavailable('the folder that should hold the backup folder cannot be found', 'plug in the backup drive (or connect the share) and try again');
      throw this.fail.failure(e);
    });
  }
}

/** Whether a backup location is on S3 storage (`s3://BUCKET/PREFIX`) rather than a folder. */
export function isS3Location(dir: string): boolean {
  return dir.startsWith('s3://');
}

/** The storage at a backup location: S3 storage for `s3://BUCKET/PREFIX` (its connection from `s3`; the SDK is loaded at its first request), else a folder. */
export function repoStorageAt(dir: string, s3: S3ConnectionSource = async () => undefined, lockDays?: () => Promise<number>): RepoStorage {
  if (!isS3Location(dir)) return new FolderStorage(dir);
  const location = parseS3Url(dir);
  if (typeof location === 'string') throw new Error('internal error: an invalid s3:// backup location was saved');
  return new S3Storage(location, s3, lockDays ? { lockDays } : {});
}
