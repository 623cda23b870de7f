// The storage a vault mirrors to. Every backend (a sync folder, Dropbox, ...)
// implements this and passes tests/remotes/conformance.ts.
//
// Names are relative, '/'-separated, made only of [A-Za-z0-9._-] segments
// (Casevault never stores a user's file name in the clear), e.g.
// "objects/ab/ab12...", "casevault.key", "trash/20260101T000000Z-ab12...".
//
// Failures: every error a method throws is a RemoteError of one of four
// classes (its `failure`), so the engine decides by class and never looks at
// a backend's own codes: RemoteNotFound (the object is absent),
// RemoteUnavailable (unreachable or refusing for now: offline, 5xx or 429
// after retries, a dropped connection, a folder remote whose root folder is
// not there; trying again later may work), RemoteAuthFailed (the sign-in or
// credentials are refused; a person must sign in again) and RemotePermanent
// (the request cannot succeed as it is: permission, a full disk or quota, a
// refused request, content that did not arrive intact). Two kinds of error
// pass through as they are: an unsafe name (a bug in the caller) and a
// failure of put()'s own data source (a vault file that changed while it was
// read), which is the caller's, not the remote's. Messages are one plain
// sentence, shown to people: no object names, tokens or server text.

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
   * Replaces an existing object. Creates parent "folders" as needed, but a
   * folder remote never creates its root (RemoteUnavailable if it is not there).
   */
  put(name: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void>;

  /** Read a whole object as a stream of chunks. Throws RemoteNotFound if absent. */
  get(name: string): AsyncIterable<Uint8Array>;

  /**
   * Read a whole (small) object into memory. Throws RemoteNotFound if absent,
   * RemoteTooLarge, having read no more than `max` bytes, if it is larger
   * than `max`: the cloud is hostile, so every read says how much it will
   * take (the largest genuine object of the kind asked for).
   */
  read(name: string, max: number): Promise<Uint8Array>;

  /** Size of an object, or undefined if absent. */
  stat(name: string): Promise<RemoteEntry | undefined>;

  /** Every object whose name starts with `prefix` (recursive). Order unspecified. */
  list(prefix: string): AsyncIterable<RemoteEntry>;

  /** Rename atomically, replacing `to` if present. Throws RemoteNotFound if `from` is absent. */
  move(from: string, to: string): Promise<void>;

  /** Delete; deleting an absent object is not an error. */
  delete(name: string): Promise<void>;

  /**
   * Exactly the names list(prefix) gives, for a folder prefix ("objects/"),
   * where that is much cheaper than list() (a folder: no stat per file).
   */
  listNames?(prefix: string): Promise<string[]>;

  /**
   * Make completed writes durable, where the backend batches that (a
   * folder's fsyncs). Callable any time, as often as wanted.
   */
  flush?(): Promise<void>;
}

export type RemoteFailure = 'not-found' | 'unavailable' | 'auth' | 'permanent';

/** Every failure a Remote reports; `failure` says which of the four classes. */
export abstract class RemoteError extends Error {
  abstract readonly failure: RemoteFailure;
}

/** The object is absent. */
export class RemoteNotFound extends RemoteError {
  readonly failure = 'not-found';
  constructor(readonly remoteName: string) {
    super('object not found in the cloud copy');
    this.name = 'RemoteNotFound';
  }
}

/** Unreachable or refusing work for now (offline, 5xx, 429 after retries, a folder's drive or share not there); later may work. */
export class RemoteUnavailable extends RemoteError {
  readonly failure = 'unavailable';
  /** What happened, without the message's remedy: for a caller that gives the next step itself. */
  readonly what: string;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    what?: string,
  ) {
    super(message);
    this.name = 'RemoteUnavailable';
    this.what = what ?? message;
  }
}

/** `what` happened, with `remedy` after it in the message (shown as it is where no next step is given). */
export function unavailable(what: string, remedy: string): RemoteUnavailable {
  return new RemoteUnavailable(`${what}; ${remedy}`, undefined, what);
}

/** The sign-in or credentials are refused: a person must sign in again. */
export class RemoteAuthFailed extends RemoteError {
  readonly failure = 'auth';
  constructor(message: string) {
    super(message);
    this.name = 'RemoteAuthFailed';
  }
}

/**
 * Why a request cannot succeed as it is, for the engine to word: no
 * permission (or read-only), no space (disk or quota), refused for another
 * reason, or its content did not arrive intact.
 */
export type PermanentReason = 'permission' | 'full' | 'refused' | 'integrity' | 'too-large';

/** The request cannot succeed as it is; repeating it unchanged will not help. */
export class RemotePermanent extends RemoteError {
  readonly failure = 'permanent';
  constructor(
    readonly reason: PermanentReason,
    message: string,
  ) {
    super(message);
    this.name = 'RemotePermanent';
  }
}

/** read() found an object larger than the bound its caller gave, and did not read it (or stopped at the bound). */
export class RemoteTooLarge extends RemotePermanent {
  constructor(readonly remoteName: string) {
    super('too-large', 'an object in the storage is larger than any genuine one of its kind, so it was not read');
    this.name = 'RemoteTooLarge';
  }
}

/** An object's pieces gathered into one array, stopping (RemoteTooLarge) as soon as they pass `max` bytes, whatever size was announced. */
export async function readAtMost(name: string, pieces: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array> {
  const got: Uint8Array[] = [];
  let total = 0;
  for await (const piece of pieces) {
    total += piece.length;
    if (total > max) throw new RemoteTooLarge(name); // leaving the loop closes the download
    got.push(piece);
  }
  return new Uint8Array(Buffer.concat(got));
}

/** Wraps a failure of put()'s data source, so a backend can pass it on as it is (see the header). */
export class SourceFailed {
  constructor(readonly cause: unknown) {}
}

/** put()'s data, with the source's own failures wrapped in SourceFailed; closing this closes the source. */
export async function* fromSource(data: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for await (const piece of data) yield piece;
  } catch (e) {
    throw new SourceFailed(e);
  }
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Guards every backend against names that could escape its root. */
export function assertRemoteName(name: string): void {
  if (!SAFE_NAME.test(name) || name.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error('internal error: unsafe remote object name');
  }
}
