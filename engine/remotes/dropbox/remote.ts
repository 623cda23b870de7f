// The Dropbox remote: objects live as files in the app's folder, through the
// official `dropbox` SDK.
//
// - put(): one files/upload up to `singleUploadLimit` bytes (150 MB), an
//   upload session (start / append_v2 / finish) above it; always mode
//   overwrite. Dropbox's returned content_hash is checked against the hash
//   computed here while sending; a mismatch is a DropboxHashMismatch.
//   Downloads are checked the same way. An object up to 64 MiB is
//   downloaded whole (a download cut short is retried); a larger one is
//   streamed, so recovering a 5 GiB file needs no 5 GiB of memory.
// - 429, 5xx, dropped connections and timeouts are retried with exponential
//   backoff and jitter, never sooner than Retry-After; after `maxAttempts`
//   the call fails with RemoteUnavailable. An expired access token is
//   refreshed and the call retried; a refused refresh token is a
//   DropboxAuthError (the user must connect Dropbox again).
// - Retries are made safe where a lost answer leaves doubt: a repeated
//   append that Dropbox already has is recognised by its correct_offset, a
//   finish or move whose first answer was lost is confirmed by looking at
//   the target.
// - Error messages never carry file names, tokens or contents.
//
// Dropbox paths are case-insensitive: two names differing only in case are
// one object there. Casevault's names are lower-case hex plus fixed words,
// so this does not arise.
import { createHash } from 'node:crypto';
import { Dropbox, DropboxAuth, DropboxResponseError, type files } from 'dropbox';
import nodeFetch, { type RequestInit as NodeFetchInit } from 'node-fetch';
import { assertRemoteName, RemoteNotFound, RemoteUnavailable, type Remote, type RemoteEntry } from '../remote.js';

export interface DropboxRemoteOptions {
  /** The app key (OAuth client_id) of the registered Dropbox app. */
  appKey: string;
  /** Refresh token from the PKCE sign-in (dropbox-auth.ts). */
  refreshToken: string;
  /**
   * Send every API, content, notify and token request to this base URL
   * (e.g. http://127.0.0.1:PORT) instead of Dropbox's hosts: for test servers.
   */
  apiBaseUrl?: string;
  /** Folder inside the app folder that holds the vault ('' = the app folder itself). */
  rootFolder?: string;
  /** Largest object sent in one files/upload; larger ones use an upload session. Default 150 MB. */
  singleUploadLimit?: number;
  /** Bytes per upload-session request. Default 32 MiB. */
  sessionChunkSize?: number;
  /** Attempts per request before RemoteUnavailable. Default 8. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt (with jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** A Retry-After longer than this fails at once with RemoteUnavailable(retryAfterMs). Default 120 s. */
  maxRetryAfterMs?: number;
  /** Timeout of one HTTP request, plus 1 s per 64 KB of request body. Default 2 minutes. */
  requestTimeoutMs?: number;
  /** Jitter source (tests). Default Math.random. */
  random?: () => number;
}

/** Dropbox refused the saved sign-in (revoked, or the app key changed). */
export class DropboxAuthError extends Error {
  constructor() {
    super('Dropbox refused the saved sign-in; connect Dropbox again');
    this.name = 'DropboxAuthError';
  }
}

/** The bytes Dropbox stored or sent differ from the bytes expected. */
export class DropboxHashMismatch extends Error {
  constructor(direction: 'upload' | 'download') {
    super(
      direction === 'upload'
        ? 'Dropbox stored different bytes than were sent (content hash mismatch); the upload must be repeated'
        : 'Dropbox sent different bytes than it stored (content hash mismatch)',
    );
    this.name = 'DropboxHashMismatch';
  }
}

const BLOCK = 4 * 1024 * 1024;

/** Dropbox's content_hash: SHA-256 of the concatenated SHA-256 digests of each 4 MiB block. */
export class DropboxContentHasher {
  private outer = createHash('sha256');
  private block = createHash('sha256');
  private inBlock = 0;

  update(data: Uint8Array): this {
    let o = 0;
    while (o < data.length) {
      const n = Math.min(BLOCK - this.inBlock, data.length - o);
      this.block.update(data.subarray(o, o + n));
      this.inBlock += n;
      o += n;
      if (this.inBlock === BLOCK) {
        this.outer.update(this.block.digest());
        this.block = createHash('sha256');
        this.inBlock = 0;
      }
    }
    return this;
  }

  /** Hex digest; the hasher is spent afterwards. */
  digest(): string {
    if (this.inBlock > 0) this.outer.update(this.block.digest());
    return this.outer.digest('hex');
  }
}

export function dropboxContentHash(data: Uint8Array): string {
  return new DropboxContentHasher().update(data).digest();
}

const DROPBOX_HOST = /^https:\/\/(api|content|notify)\.dropboxapi\.com(?=\/)/;

/**
 * A fetch for the SDK: node-fetch (the SDK needs res.buffer()), with Dropbox's
 * hosts rewritten to `apiBaseUrl`. Each request gets `timeoutMs`, plus time
 * for its body at 64 KB/s (a large upload on a slow line); downloads, whose
 * size is not known here, get at least an hour.
 */
export function dropboxFetch(apiBaseUrl: string | undefined, timeoutMs: number) {
  const base = apiBaseUrl?.replace(/\/+$/, '');
  if (base !== undefined && !/^https?:\/\/[^/]+$/.test(base)) {
    throw new Error('the Dropbox API URL must look like http://127.0.0.1:PORT');
  }
  return (url: string, init?: NodeFetchInit) => {
    let target = url;
    if (base !== undefined) {
      if (!DROPBOX_HOST.test(url)) return Promise.reject(new Error('unexpected Dropbox host'));
      target = url.replace(DROPBOX_HOST, base);
    }
    const body = init?.body;
    const bodyBytes = Buffer.isBuffer(body) ? body.length : typeof body === 'string' ? Buffer.byteLength(body) : 0;
    const timeout = /\/2\/files\/download$/.test(url) ? Math.max(timeoutMs, 3_600_000) : timeoutMs + Math.ceil(bodyBytes / 64);
    return nodeFetch(target, { ...init, timeout });
  };
}

interface CallState {
  /** A previous attempt may have been applied by Dropbox (its answer was lost or was a 5xx). */
  uncertain: boolean;
}

type ErrorClass =
  | { kind: 'transient'; uncertain: boolean; retryAfterMs?: number }
  | { kind: 'token-expired' }
  | { kind: 'auth-refused' }
  | { kind: 'permanent' };

function isResponseError(e: unknown): e is DropboxResponseError<unknown> {
  return e instanceof DropboxResponseError || (e as { name?: string })?.name === 'DropboxResponseError';
}

/** The union tags of a Dropbox API error, e.g. ['path', 'not_found']. */
function errorTags(e: DropboxResponseError<unknown>): string[] {
  const body = e.error as { error_summary?: unknown; error?: unknown } | string | undefined;
  if (body && typeof body === 'object') {
    if (typeof body.error_summary === 'string') {
      return body.error_summary.split('/').filter((s) => s !== '' && !/^\.+$/.test(s));
    }
    if (typeof body.error === 'string') return [body.error]; // OAuth errors: {"error": "invalid_grant"}
    const inner = body.error as { '.tag'?: unknown } | undefined;
    if (inner && typeof inner['.tag'] === 'string') return [inner['.tag']];
  }
  return [];
}

function retryAfterMs(e: DropboxResponseError<unknown>): number | undefined {
  const h: unknown = e.headers && typeof e.headers.get === 'function' ? e.headers.get('retry-after') : undefined;
  if (typeof h === 'string' && h.trim() !== '') {
    const secs = Number(h);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(h);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const body = e.error as { error?: { retry_after?: unknown } } | undefined;
  const ra = body && typeof body === 'object' ? body.error?.retry_after : undefined;
  return typeof ra === 'number' ? ra * 1000 : undefined;
}

function classify(e: unknown): ErrorClass {
  if (isResponseError(e)) {
    const tags = errorTags(e);
    if (e.status === 429) return { kind: 'transient', uncertain: false, retryAfterMs: retryAfterMs(e) };
    if (e.status >= 500) return { kind: 'transient', uncertain: true, retryAfterMs: retryAfterMs(e) };
    if (e.status === 401) {
      if (tags[0] === 'expired_access_token' || tags[0] === 'invalid_access_token') return { kind: 'token-expired' };
      return { kind: 'auth-refused' };
    }
    if (e.status === 400 && (tags[0] === 'invalid_grant' || tags[0] === 'invalid_client')) return { kind: 'auth-refused' };
    if (e.status === 409 && tags.includes('too_many_write_operations')) {
      return { kind: 'transient', uncertain: false, retryAfterMs: retryAfterMs(e) };
    }
    return { kind: 'permanent' };
  }
  const name = (e as { name?: unknown })?.name;
  const code = (e as { code?: unknown })?.code;
  // node-fetch: FetchError (system errors, timeouts, a body cut short), AbortError.
  if (name === 'FetchError' || name === 'AbortError') return { kind: 'transient', uncertain: true };
  if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+)$/.test(code)) {
    return { kind: 'transient', uncertain: true };
  }
  return { kind: 'permanent' };
}

function isNotFound(e: unknown): boolean {
  return isResponseError(e) && e.status === 409 && errorTags(e).some((t) => t === 'not_found' || t === 'not_file');
}

function isIncorrectOffset(e: unknown): number | undefined {
  if (!isResponseError(e) || e.status !== 409 || !errorTags(e).includes('incorrect_offset')) return undefined;
  const err = (e.error as { error?: Record<string, unknown> })?.error;
  const off = (err?.correct_offset ?? (err?.lookup_failed as Record<string, unknown> | undefined)?.correct_offset) as unknown;
  return typeof off === 'number' ? off : undefined;
}

/** A safe description of a failure: no names, tokens or contents. */
function asRemoteError(e: unknown): Error {
  if (
    e instanceof RemoteNotFound ||
    e instanceof RemoteUnavailable ||
    e instanceof DropboxAuthError ||
    e instanceof DropboxHashMismatch
  ) {
    return e;
  }
  if (isResponseError(e)) {
    const tags = errorTags(e)
      .filter((t) => /^[a-z_]+$/.test(t))
      .join('/');
    return new Error(`Dropbox refused the request (HTTP ${e.status}${tags ? `, ${tags}` : ''})`);
  }
  return new Error('the Dropbox request failed unexpectedly');
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Regroups a stream of pieces into Buffers of exactly `size` bytes (the last may be shorter, never empty). */
async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const piece of source) {
    let p = asBuffer(piece);
    while (p.length > 0) {
      const take = Math.min(size - have, p.length);
      parts.push(p.subarray(0, take));
      have += take;
      p = p.subarray(take);
      if (have === size) {
        // Copy: the caller may reuse its buffers, and a retry must resend the same bytes.
        yield Buffer.concat(parts, have);
        parts = [];
        have = 0;
      }
    }
  }
  if (have > 0) yield Buffer.concat(parts, have);
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const READ_SLICE = 1024 * 1024;
/** Objects larger than this are streamed rather than downloaded whole. */
const STREAM_ABOVE = 64 * 1024 * 1024;
const CONTENT_DOWNLOAD_URL = 'https://content.dropboxapi.com/2/files/download';

/** JSON for an HTTP header: non-ASCII characters escaped, as Dropbox requires. */
function headerSafeJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class DropboxRemote implements Remote {
  readonly description = 'Dropbox';
  private readonly auth: DropboxAuth;
  private readonly dbx: Dropbox;
  private readonly root: string; // '' or '/folder'
  private readonly singleUploadLimit: number;
  private readonly chunkSize: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly fetch: ReturnType<typeof dropboxFetch>;

  constructor(opts: DropboxRemoteOptions) {
    if (!opts.appKey || !opts.refreshToken) throw new Error('Dropbox needs an app key and a refresh token');
    const folder = opts.rootFolder ?? '';
    if (folder !== '') assertRemoteName(folder);
    this.root = folder === '' ? '' : `/${folder}`;
    this.singleUploadLimit = opts.singleUploadLimit ?? 150_000_000;
    this.chunkSize = opts.sessionChunkSize ?? 32 * 1024 * 1024;
    if (this.chunkSize <= 0 || this.chunkSize > 150_000_000) throw new Error('Dropbox session chunk size out of range');
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 8);
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
    this.random = opts.random ?? Math.random;
    const fetch = dropboxFetch(opts.apiBaseUrl, opts.requestTimeoutMs ?? 120_000);
    this.fetch = fetch;
    this.auth = new DropboxAuth({ clientId: opts.appKey, refreshToken: opts.refreshToken, fetch });
    this.dbx = new Dropbox({ auth: this.auth, fetch });
  }

  /** Checks that the sign-in works (users/get_current_account). Resolves to the Dropbox account ID. */
  async verifyAccess(): Promise<string> {
    try {
      const r = await this.call(() => this.dbx.usersGetCurrentAccount());
      return r.result.account_id;
    } catch (e) {
      throw asRemoteError(e);
    }
  }

  private path(name: string): string {
    assertRemoteName(name);
    return `${this.root}/${name}`;
  }

  /** Runs one SDK call with retries; transient failures end as RemoteUnavailable, the rest are rethrown as they are. */
  private async call<T>(fn: () => Promise<T>, st: CallState = { uncertain: false }): Promise<T> {
    let lastRetryAfter: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const c = classify(e);
        if (c.kind === 'auth-refused') throw new DropboxAuthError();
        if (c.kind === 'permanent') throw e;
        if (attempt >= this.maxAttempts) {
          if (c.kind === 'token-expired') throw new DropboxAuthError();
          throw new RemoteUnavailable('Dropbox is not answering or is busy; Casevault will try again later', lastRetryAfter);
        }
        if (c.kind === 'token-expired') {
          // The SDK thought the token was still good: make it refresh before the next try.
          this.auth.setAccessTokenExpiresAt(new Date(0));
          continue;
        }
        if (c.uncertain) st.uncertain = true;
        lastRetryAfter = c.retryAfterMs;
        if (c.retryAfterMs !== undefined && c.retryAfterMs > this.maxRetryAfterMs) {
          throw new RemoteUnavailable('Dropbox asked Casevault to wait before trying again', c.retryAfterMs);
        }
        const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        const delay = Math.max(exp / 2 + (this.random() * exp) / 2, c.retryAfterMs ?? 0);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  // ---- writes ----------------------------------------------------------------

  async put(name: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const path = this.path(name);
    try {
      if (data instanceof Uint8Array && data.length <= this.singleUploadLimit) {
        const buf = asBuffer(data);
        await this.uploadSingle(path, buf, dropboxContentHash(buf));
        return;
      }
      const source: AsyncIterable<Uint8Array> = data instanceof Uint8Array ? (async function* () { yield data; })() : data;
      // Read up to the single-upload limit; if the object ends there, one request does.
      const hasher = new DropboxContentHasher();
      const chunks = rechunk(source, this.chunkSize);
      try {
        const head: Buffer[] = [];
        let headBytes = 0;
        let more = false;
        for (;;) {
          const r = await chunks.next();
          if (r.done) break;
          head.push(r.value);
          headBytes += r.value.length;
          hasher.update(r.value);
          if (headBytes > this.singleUploadLimit) {
            more = true;
            break;
          }
        }
        if (!more) {
          await this.uploadSingle(path, Buffer.concat(head, headBytes), hasher.digest());
          return;
        }
        await this.uploadSession(path, head, chunks, hasher);
      } finally {
        // On failure part-way, let the producer close (its files, its workers).
        await chunks.return(undefined);
      }
    } catch (e) {
      throw asRemoteError(e);
    }
  }

  private commitInfo(path: string): files.CommitInfo {
    return { path, mode: { '.tag': 'overwrite' }, autorename: false, mute: true };
  }

  private async uploadSingle(path: string, buf: Buffer, expected: string): Promise<void> {
    // A fresh argument object each attempt: the SDK deletes `contents` from it.
    const res = await this.call(() => this.dbx.filesUpload({ ...this.commitInfo(path), contents: buf }));
    if (res.result.content_hash !== expected) throw new DropboxHashMismatch('upload');
  }

  private async uploadSession(path: string, head: Buffer[], rest: AsyncGenerator<Buffer>, hasher: DropboxContentHasher): Promise<void> {
    const first = head.shift()!;
    const start = await this.call(() => this.dbx.filesUploadSessionStart({ contents: first, close: false }));
    const sessionId = start.result.session_id;
    let offset = first.length;
    const append = async (chunk: Buffer) => {
      const st: CallState = { uncertain: false };
      try {
        await this.call(() => this.dbx.filesUploadSessionAppendV2({ cursor: { session_id: sessionId, offset }, close: false, contents: chunk }), st);
      } catch (e) {
        // An earlier attempt landed but its answer was lost: Dropbox already has this chunk.
        if (!(st.uncertain && isIncorrectOffset(e) === offset + chunk.length)) throw e;
      }
      offset += chunk.length;
    };
    for (const chunk of head) await append(chunk);
    for (;;) {
      const r = await rest.next();
      if (r.done) break;
      hasher.update(r.value);
      await append(r.value);
    }
    const expected = hasher.digest();
    const st: CallState = { uncertain: false };
    let hash: string | undefined;
    try {
      const res = await this.call(
        () => this.dbx.filesUploadSessionFinish({ cursor: { session_id: sessionId, offset }, commit: this.commitInfo(path), contents: Buffer.alloc(0) }),
        st,
      );
      hash = res.result.content_hash;
    } catch (e) {
      // The first finish committed but its answer was lost: the session is gone; the file tells.
      if (!(st.uncertain && isNotFound(e))) throw e;
      const m = await this.metadata(path);
      hash = m?.['.tag'] === 'file' ? m.content_hash : undefined;
      if (hash === undefined) throw e;
    }
    if (hash !== expected) throw new DropboxHashMismatch('upload');
  }

  async move(from: string, to: string): Promise<void> {
    const src = this.path(from);
    const dst = this.path(to);
    try {
      // Never touch the target unless the source is there.
      const m = await this.metadata(src);
      if (m?.['.tag'] !== 'file') throw new RemoteNotFound(from);
      if (src === dst) return;
      for (let round = 0; ; round++) {
        // Dropbox has no "move over": remove the target, then move with autorename off.
        if (src.toLowerCase() !== dst.toLowerCase()) await this.deletePath(dst);
        const st: CallState = { uncertain: false };
        try {
          await this.call(
            () => this.dbx.filesMoveV2({ from_path: src, to_path: dst, autorename: false, allow_shared_folder: false, allow_ownership_transfer: false }),
            st,
          );
          return;
        } catch (e) {
          if (isNotFound(e)) {
            // An earlier attempt moved it but the answer was lost.
            if (st.uncertain && (await this.metadata(dst))?.['.tag'] === 'file') return;
            throw new RemoteNotFound(from);
          }
          const conflict = isResponseError(e) && e.status === 409 && errorTags(e).includes('conflict');
          if (!conflict || round >= 3) throw e;
          // Something recreated the target meanwhile: delete it again.
        }
      }
    } catch (e) {
      throw asRemoteError(e);
    }
  }

  async delete(name: string): Promise<void> {
    const path = this.path(name);
    try {
      await this.deletePath(path);
    } catch (e) {
      throw asRemoteError(e);
    }
  }

  /** Deletes the file at `path`; absent is fine; a folder there is refused (it would take its contents). */
  private async deletePath(path: string): Promise<void> {
    const m = await this.metadata(path);
    if (m === undefined) return;
    if (m['.tag'] !== 'file') throw new Error('internal error: a Dropbox folder is where an object should be');
    try {
      await this.call(() => this.dbx.filesDeleteV2({ path }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ---- reads -----------------------------------------------------------------

  private async metadata(
    path: string,
  ): Promise<files.FileMetadataReference | files.FolderMetadataReference | files.DeletedMetadataReference | undefined> {
    try {
      const r = await this.call(() => this.dbx.filesGetMetadata({ path }));
      return r.result;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async stat(name: string): Promise<RemoteEntry | undefined> {
    const path = this.path(name);
    try {
      const m = await this.metadata(path);
      return m?.['.tag'] === 'file' ? { name, size: m.size } : undefined;
    } catch (e) {
      throw asRemoteError(e);
    }
  }

  /**
   * files/download by hand (the SDK reads every download whole): the answer's
   * metadata, and its body whole when it is at most STREAM_ABOVE bytes
   * (inside the retried call, so a body cut short is fetched again).
   */
  private async openDownload(name: string): Promise<{ meta: files.FileMetadata; whole?: Buffer; body?: NodeJS.ReadableStream }> {
    const path = this.path(name);
    try {
      return await this.call(async () => {
        await this.auth.checkAndRefreshAccessToken();
        const res = await this.fetch(CONTENT_DOWNLOAD_URL, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.auth.getAccessToken()}`, 'Dropbox-API-Arg': headerSafeJson({ path }) },
        });
        if (res.status !== 200) {
          const text = await res.text();
          let error: unknown = text;
          try {
            error = JSON.parse(text);
          } catch {
            // a plain-text error body
          }
          throw new DropboxResponseError(res.status, res.headers, error);
        }
        const meta = JSON.parse(res.headers.get('dropbox-api-result') ?? 'null') as files.FileMetadata | null;
        if (!meta || typeof meta.size !== 'number') throw new Error('the Dropbox download returned no metadata');
        if (meta.size > STREAM_ABOVE) return { meta, body: res.body };
        return { meta, whole: await res.buffer() };
      });
    } catch (e) {
      if (isNotFound(e)) throw new RemoteNotFound(name);
      throw asRemoteError(e);
    }
  }

  private static checked(meta: files.FileMetadata, bytes: number, hash: string): void {
    if (bytes !== meta.size || (meta.content_hash !== undefined && hash !== meta.content_hash)) throw new DropboxHashMismatch('download');
  }

  async *get(name: string): AsyncIterable<Uint8Array> {
    const { meta, whole, body } = await this.openDownload(name);
    if (whole) {
      DropboxRemote.checked(meta, whole.length, dropboxContentHash(whole));
      for (let o = 0; o < whole.length; o += READ_SLICE) yield whole.subarray(o, Math.min(o + READ_SLICE, whole.length));
      return;
    }
    const hasher = new DropboxContentHasher();
    let bytes = 0;
    try {
      for await (const piece of rechunk(body as AsyncIterable<Uint8Array>, READ_SLICE)) {
        hasher.update(piece);
        bytes += piece.length;
        yield piece;
      }
    } catch (e) {
      if (e instanceof DropboxHashMismatch) throw e;
      throw new RemoteUnavailable('the Dropbox download was cut short; Casevault will try again later');
    }
    DropboxRemote.checked(meta, bytes, hasher.digest());
  }

  async read(name: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const p of this.get(name)) parts.push(p);
    return new Uint8Array(Buffer.concat(parts));
  }

  async *list(prefix: string): AsyncIterable<RemoteEntry> {
    const slash = prefix.lastIndexOf('/');
    const dir = slash >= 0 ? prefix.slice(0, slash) : '';
    if (dir !== '') assertRemoteName(dir);
    if (!/^[A-Za-z0-9._/-]*$/.test(prefix)) throw new Error('internal error: unsafe remote object name');
    const folder = dir === '' ? this.root : `${this.root}/${dir}`;
    const strip = this.root.length + 1; // "/root/" or "/"
    let page: files.ListFolderResult;
    try {
      try {
        page = (await this.call(() => this.dbx.filesListFolder({ path: folder, recursive: true, include_deleted: false }))).result;
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    } catch (e) {
      throw asRemoteError(e);
    }
    for (;;) {
      for (const entry of page.entries) {
        if (entry['.tag'] !== 'file' || entry.path_display === undefined) continue;
        const name = entry.path_display.slice(strip);
        if (name.startsWith(prefix) && SAFE_NAME.test(name)) yield { name, size: entry.size };
      }
      if (!page.has_more) return;
      const cursor = page.cursor;
      try {
        page = (await this.call(() => this.dbx.filesListFolderContinue({ cursor }))).result;
      } catch (e) {
        if (isResponseError(e) && errorTags(e).includes('reset')) {
          throw new RemoteUnavailable('the Dropbox listing was reset; Casevault will list again later');
        }
        throw asRemoteError(e);
      }
    }
  }
}
