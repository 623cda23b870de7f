// The storage a vault mirrors to. Every backend (a sync folder, Dropbox, ...)
// implements this and passes tests/remotes/conformance.ts.
//
// Names are relative, '/'-separated, made only of [A-Za-z0-9._-] segments
// (Casevault never stores a user's file name in the clear), e.g.
// "objects/ab/ab12...", "casevault.key", "trash/20260101T000000Z-ab12...".

export interface RemoteEntry {
  /** Relative name, as given to put(). */
  name: string;
  /** Size in bytes. */
  size: number;
}

export interface Remote {
  /** A short human description for messages, e.g. "folder /media/x" or "Dropbox". */
  readonly description: string;

  /**
   * Write `data` under `name` atomically: readers see either the old object or
   * the whole new one, never a part, even if the process dies mid-write.
   * Replaces an existing object. Creates parent "folders" as needed.
   */
  put(name: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void>;

  /** Read a whole object as a stream of chunks. Throws RemoteNotFound if absent. */
  get(name: string): AsyncIterable<Uint8Array>;

  /** Read a whole (small) object into memory. Throws RemoteNotFound if absent. */
  read(name: string): Promise<Uint8Array>;

  /** Size of an object, or undefined if absent. */
  stat(name: string): Promise<RemoteEntry | undefined>;

  /** Every object whose name starts with `prefix` (recursive). Order unspecified. */
  list(prefix: string): AsyncIterable<RemoteEntry>;

  /** Rename atomically, replacing `to` if present. Throws RemoteNotFound if `from` is absent. */
  move(from: string, to: string): Promise<void>;

  /** Delete; deleting an absent object is not an error. */
  delete(name: string): Promise<void>;

  /** Only the names under `prefix`, where that is much cheaper than list() (a folder: no stat per file). */
  listNames?(prefix: string): Promise<string[]>;

  /** Make completed writes durable, where the backend batches that (a folder's fsyncs). */
  flush?(): Promise<void>;
}

export class RemoteNotFound extends Error {
  constructor(readonly remoteName: string) {
    super('object not found in the cloud copy');
    this.name = 'RemoteNotFound';
  }
}

/** The cloud is unreachable or refusing work for now (offline, 5xx, 429 after retries). */
export class RemoteUnavailable extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'RemoteUnavailable';
  }
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Guards every backend against names that could escape its root. */
export function assertRemoteName(name: string): void {
  if (!SAFE_NAME.test(name) || name.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error('internal error: unsafe remote object name');
  }
}
