// A remote that is a folder: a Dropbox/OneDrive/Nextcloud sync folder, a
// network share, a USB drive. Objects are written to tmp/ first and renamed
// into place, so a sync client never uploads half an object and a killed
// process never leaves one. Durability against power loss is batched:
// flush() fsyncs every object written since the last flush and their
// folders, and the engine records an upload only after flush(). Small
// objects are written with synchronous calls (a few microseconds each; the
// thread pool's round trips cost more than the work); large ones on the
// thread pool, while the caller goes on.
//
// The root folder is never created here: a root that is not there is an
// unplugged drive, an unmounted share or a deleted sync folder, and every
// method then fails with RemoteUnavailable (folder-errors.ts maps the rest
// of the file system's errors) instead of filling an empty mount point.
// Whoever makes a new cloud folder (init, a handover copy) creates it first.
//
// Links inside the root are never followed (folder-links.ts): a folder that
// is a link is replaced by a real one to write, and holds no objects to read,
// list, move or delete; a link at an object's own name is no object.
import { closeSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { lstat, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDir, isTempName, syncFileSystem, tempName, writeStream } from '../fsutil/atomic.js';
import { fsyncRegularSync, NotRegularFile, openRegular, readPieces } from '../fsutil/open-regular.js';
import { errnoCode, FolderFailures } from './folder-errors.js';
import { FolderLinks } from './folder-links.js';
import { assertRemoteName, fromSource, readAtMost, RemoteNotFound, RemoteTooLarge, SourceFailed, type Remote, type RemoteEntry } from './remote.js';

const TMP_DIR = 'tmp';
const STALE_TMP_MS = 60 * 60 * 1000;

/** Objects this large (a backup's packs) are written on the thread pool, so the caller goes on building the next meanwhile. */
const ASYNC_WRITE_BYTES = 1024 * 1024;

export class FolderRemote implements Remote {
  readonly description: string;
  private readonly fail: FolderFailures;
  private readonly dirty = new Set<string>();
  private unsynced: string[] = [];
  private readonly folders: FolderLinks;
  private cleaned = false;

  /** `label` names the folder in messages ("the cloud folder /media/x is not there"). */
  constructor(
    readonly root: string,
    label = 'cloud folder',
  ) {
    this.description = `folder ${root}`;
    this.fail = new FolderFailures(root, label);
    this.folders = new FolderLinks(root);
  }

  /** A new pass (a sync, a verify, a recovery): the folders are checked for links again, once each. */
  newPass(): void {
    this.folders.forget();
  }

  /** The links met inside the folder in this pass, not followed (names under the root). */
  linksMet(): string[] {
    return this.folders.links();
  }

  private path(name: string): string {
    assertRemoteName(name);
    return join(this.root, ...name.split('/'));
  }

  /**
   * Runs `create`, which makes an entry in `dir`, with `dir` made. A folder
   * made earlier may have gone since (emptied away by a person or a sync
   * client): on ENOENT it is made again, once.
   */
  private async inDir<T>(dir: string, create: () => T | Promise<T>): Promise<T> {
    this.folders.make(dir);
    try {
      return await create();
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
      this.folders.recheck();
      this.folders.make(dir);
      return await create();
    }
  }

  /**
   * Remove temporary files left by a crashed writer (older than an hour:
   * another writer may be live). Only a real tmp/ folder, and only names
   * tempName gives: a tmp/ made a link to the vault must not cost its files.
   */
  private async cleanStaleTemps(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    const dir = join(this.root, TMP_DIR);
    let real = false;
    try {
      real = this.folders.clear(dir);
    } catch {
      // not readable: the write that follows says why
    }
    if (!real) return;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.filter(isTempName)) {
      const p = join(dir, n);
      const st = await lstat(p).catch(() => undefined);
      if (st?.isFile() && Date.now() - st.mtimeMs > STALE_TMP_MS) await rm(p, { force: true });
    }
  }

  async put(name: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const target = this.path(name);
    await this.cleanStaleTemps();
    const tmpDir = join(this.root, TMP_DIR);
    const tmp = tempName(tmpDir);
    try {
      if (data instanceof Uint8Array && data.length < ASYNC_WRITE_BYTES) {
        const fd = await this.inDir(tmpDir, () => openSync(tmp, 'wx', 0o600));
        try {
          for (let o = 0; o < data.length;) o += writeSync(fd, data, o);
        } finally {
          closeSync(fd);
        }
      } else if (data instanceof Uint8Array) {
        const fh = await this.inDir(tmpDir, () => open(tmp, 'wx', 0o600));
        try {
          for (let o = 0; o < data.length;) o += (await fh.write(data, o)).bytesWritten;
        } finally {
          await fh.close();
        }
      } else {
        await writeStream(await this.inDir(tmpDir, () => open(tmp, 'wx', 0o600)), fromSource(data));
      }
      await this.inDir(dirname(target), () => renameSync(tmp, target));
    } catch (e) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // the write's own failure is the one to report
      }
      throw e instanceof SourceFailed ? e.cause : this.fail.failure(e);
    }
    if (data instanceof Uint8Array) this.unsynced.push(target);
    this.dirty.add(dirname(target));
    this.dirty.add(tmpDir);
  }

  /** Objects another thread wrote into this folder (the sync's sealing workers): the next flush makes them durable too. */
  written(names: readonly string[]): void {
    for (const name of names) {
      const target = this.path(name);
      this.unsynced.push(target);
      this.dirty.add(dirname(target));
    }
    this.dirty.add(join(this.root, TMP_DIR));
  }

  /** Make every write and rename since the last flush durable. */
  async flush(): Promise<void> {
    // Taken now: what a write finishing while this flush waits adds is left for the next one.
    const files = this.unsynced;
    this.unsynced = [];
    const dirs = [...this.dirty];
    this.dirty.clear();
    try {
      if (files.length > 1 && (await syncFileSystem(this.root))) return;
      // Absent: replaced or moved to the trash since, nothing to make durable (unless the root went: RemoteUnavailable).
      for (const f of files) {
        try {
          fsyncRegularSync(f); // never a pipe swapped in since: that open would wait for a writer
        } catch (e) {
          if (!(e instanceof NotRegularFile) && !this.fail.absent(e)) throw this.fail.failure(e);
        }
      }
      for (const d of dirs) await fsyncDir(d).catch((e) => (this.fail.absent(e) ? undefined : Promise.reject(this.fail.failure(e))));
    } catch (e) {
      for (const d of dirs) this.dirty.add(d); // still to be made durable, by the next flush
      throw e;
    }
  }

  /** A read's failure: absent, or anything but a file where the object would be (a folder, a pipe: not an object), is RemoteNotFound. */
  private readFailure(e: unknown, name: string): unknown {
    return e instanceof NotRegularFile || this.fail.absent(e) || errnoCode(e) === 'EISDIR' ? new RemoteNotFound(name) : this.fail.failure(e);
  }

  /** Whether no link stands between the root and `dir` (folder-links.ts). */
  private clear(dir: string): boolean {
    try {
      return this.folders.clear(dir);
    } catch (e) {
      throw this.fail.failure(e);
    }
  }

  /** The path of `name` to read, move or delete, or undefined where a link stands in one of its folders (no object there). */
  private reachable(name: string): string | undefined {
    const p = this.path(name);
    return this.clear(dirname(p)) ? p : undefined;
  }

  async *get(name: string): AsyncIterable<Uint8Array> {
    const p = this.reachable(name);
    if (p === undefined) throw new RemoteNotFound(name);
    let fh: FileHandle | undefined;
    try {
      const opened = await openRegular(p);
      fh = opened.fh;
      yield* readPieces(fh, opened.size);
    } catch (e) {
      throw this.readFailure(e, name);
    } finally {
      await fh?.close();
    }
  }

  async read(name: string, max: number): Promise<Uint8Array> {
    const p = this.reachable(name);
    if (p === undefined) throw new RemoteNotFound(name);
    let opened: { fh: FileHandle; size: number } | undefined;
    try {
      opened = await openRegular(p);
      if (opened.size > max) throw new RemoteTooLarge(name);
      // The file can grow after the fstat: the read stops one byte past the bound whatever the size said.
      return await readAtMost(name, opened.fh.createReadStream({ autoClose: false, end: max }), max);
    } catch (e) {
      throw this.readFailure(e, name);
    } finally {
      await opened?.fh.close();
    }
  }

  async stat(name: string): Promise<RemoteEntry | undefined> {
    const p = this.reachable(name);
    if (p === undefined) return undefined;
    try {
      const st = await lstat(p); // a link there is no object
      return st.isFile() ? { name, size: st.size } : undefined;
    } catch (e) {
      if (this.fail.absent(e)) return undefined;
      throw this.fail.failure(e);
    }
  }

  async *list(prefix: string): AsyncIterable<RemoteEntry> {
    // Walk only the folders that can hold names with this prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash >= 0 ? prefix.slice(0, slash) : '';
    const start = base ? this.path(base) : this.root;
    if (!this.clear(start)) return;
    const { fail, folders } = this;
    const walk = async function* (dir: string, rel: string): AsyncGenerator<RemoteEntry> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (fail.absent(e)) return;
        throw fail.failure(e);
      }
      for (const e of entries) {
        const name = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (name.startsWith(prefix) || prefix.startsWith(`${name}/`)) yield* walk(join(dir, e.name), name);
        } else if (e.isFile() && name.startsWith(prefix) && !name.startsWith(`${TMP_DIR}/`)) {
          let size: number | undefined;
          try {
            const st = lstatSync(join(dir, e.name)); // synchronous: a listing of 10,000 objects is one of the hot paths
            size = st.isFile() ? st.size : undefined;
          } catch {
            size = undefined; // removed meanwhile
          }
          if (size !== undefined) yield { name, size };
        } else if (e.isSymbolicLink() && name.startsWith(prefix)) folders.noteLink(name);
      }
    };
    yield* walk(start, base);
  }

  /** Names of the files under a top-level folder and its subfolders: readdir only, the folders read in parallel. */
  async listNames(prefix: string): Promise<string[]> {
    const top = prefix.replace(/\/$/, '');
    const start = this.path(top);
    if (!this.clear(start)) return [];
    const walk = async (dir: string, rel: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => (this.fail.absent(e) ? [] : Promise.reject(this.fail.failure(e))));
      for (const e of entries) if (e.isSymbolicLink()) this.folders.noteLink(`${rel}/${e.name}`);
      const nested = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => walk(join(dir, e.name), `${rel}/${e.name}`)));
      return [...entries.filter((e) => e.isFile()).map((e) => `${rel}/${e.name}`), ...nested.flat()];
    };
    return walk(start, top);
  }

  async move(from: string, to: string): Promise<void> {
    const src = this.reachable(from);
    if (src === undefined) throw new RemoteNotFound(from);
    const dst = this.path(to);
    try {
      await this.inDir(dirname(dst), () => rename(src, dst));
    } catch (e) {
      if (this.fail.absent(e)) throw new RemoteNotFound(from);
      throw this.fail.failure(e);
    }
    this.dirty.add(dirname(src));
    this.dirty.add(dirname(dst));
  }

  async delete(name: string): Promise<void> {
    const p = this.reachable(name);
    if (p === undefined) return; // nothing of the cloud's behind a link
    try {
      await unlink(p);
    } catch (e) {
      if (!this.fail.absent(e)) throw this.fail.failure(e);
    }
    this.dirty.add(dirname(p));
  }
}
