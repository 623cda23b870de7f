// A remote that is a folder: a Dropbox/OneDrive/Nextcloud sync folder, a
// network share, a USB drive. Objects are written to tmp/ first, fsynced and
// renamed into place, so a sync client never uploads half an object and a
// crash never leaves one. Folder fsyncs are batched in flush().
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDir, tempName, writeTemp } from '../atomic.js';
import { assertRemoteName, RemoteNotFound, type Remote, type RemoteEntry } from './remote.js';

const TMP_DIR = 'tmp';
const STALE_TMP_MS = 60 * 60 * 1000;

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

export class FolderRemote implements Remote {
  readonly description: string;
  private readonly dirty = new Set<string>();
  private madeDirs = new Set<string>();
  private cleaned = false;

  constructor(readonly root: string) {
    this.description = `folder ${root}`;
  }

  private path(name: string): string {
    assertRemoteName(name);
    return join(this.root, ...name.split('/'));
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  /** Remove temporary files left by a crashed writer (older than an hour: another writer may be live). */
  private async cleanStaleTemps(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    const dir = join(this.root, TMP_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names) {
      const p = join(dir, n);
      const st = await lstat(p).catch(() => undefined);
      if (st?.isFile() && Date.now() - st.mtimeMs > STALE_TMP_MS) await rm(p, { force: true });
    }
  }

  async put(name: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const target = this.path(name);
    await this.cleanStaleTemps();
    const tmpDir = join(this.root, TMP_DIR);
    await this.ensureDir(tmpDir);
    const tmp = tempName(tmpDir);
    await writeTemp(tmp, data);
    try {
      await this.ensureDir(dirname(target));
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    this.dirty.add(dirname(target));
    this.dirty.add(tmpDir);
  }

  /** Make every rename since the last flush durable. */
  async flush(): Promise<void> {
    const dirs = [...this.dirty];
    this.dirty.clear();
    for (const d of dirs) await fsyncDir(d).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }

  async *get(name: string): AsyncIterable<Uint8Array> {
    const p = this.path(name);
    try {
      await stat(p);
    } catch (e) {
      if (isNotFound(e)) throw new RemoteNotFound(name);
      throw e;
    }
    for await (const piece of createReadStream(p, { highWaterMark: 1024 * 1024 })) {
      yield piece as Buffer;
    }
  }

  async read(name: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.path(name)));
    } catch (e) {
      if (isNotFound(e)) throw new RemoteNotFound(name);
      throw e;
    }
  }

  async stat(name: string): Promise<RemoteEntry | undefined> {
    try {
      const st = await stat(this.path(name));
      return st.isFile() ? { name, size: st.size } : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<RemoteEntry> {
    // Walk only the folders that can hold names with this prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash >= 0 ? prefix.slice(0, slash) : '';
    const start = base ? this.path(base) : this.root;
    const walk = async function* (dir: string, rel: string): AsyncGenerator<RemoteEntry> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      for (const e of entries) {
        const name = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (name.startsWith(prefix) || prefix.startsWith(`${name}/`)) yield* walk(join(dir, e.name), name);
        } else if (e.isFile() && name.startsWith(prefix) && !name.startsWith(`${TMP_DIR}/`)) {
          const st = await stat(join(dir, e.name)).catch(() => undefined);
          if (st) yield { name, size: st.size };
        }
      }
    };
    yield* walk(start, base);
  }

  async move(from: string, to: string): Promise<void> {
    const src = this.path(from);
    const dst = this.path(to);
    await this.ensureDir(dirname(dst));
    try {
      await rename(src, dst);
    } catch (e) {
      if (isNotFound(e)) throw new RemoteNotFound(from);
      throw e;
    }
    this.dirty.add(dirname(src));
    this.dirty.add(dirname(dst));
  }

  async delete(name: string): Promise<void> {
    const p = this.path(name);
    await rm(p, { force: true });
    this.dirty.add(dirname(p));
  }
}
