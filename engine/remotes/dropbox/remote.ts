// The Dropbox remote: objects live as files in the app's folder, through the
// official `dropbox` SDK. Beside it: errors.ts (Dropbox's failures as the
// Remote failure classes), content-hash.ts, fetch.ts, and the shared retry
// wrapper (../retry.ts).
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
//   refreshed and the call retried; a refused refresh token is
//   RemoteAuthFailed (the user must connect Dropbox again).
// - Retries are made safe where a lost answer leaves doubt: a repeated
//   append that Dropbox already has is recognised by its correct_offset, a
//   finish or move whose first answer was lost is confirmed by looking at
//   the target.
// - Error messages never carry file names, tokens or contents.
//
// Dropbox paths are case-insensitive: two names differing only in case are
// one object there. Casevault's names are lower-case hex plus fixed words,
// so this does not arise.
import { Dropbox, DropboxAuth, DropboxResponseError, type files } from 'dropbox';
import type { Readable } from 'node:stream';
import { assertRemoteName, fromSource, readAtMost, RemoteNotFound, RemoteTooLarge, RemoteUnavailable, type Remote, type RemoteEntry } from '../remote.js';
import { Retry, type RetryState } from '../retry.js';
import { DropboxContentHasher, dropboxContentHash } from './content-hash.js';
import { asRemoteError, classifyDropbox, correctOffset, dropboxAuthFailed, DropboxHashMismatch, isConflict, isPathNotFound, isReset } from './errors.js';
import { dropboxFetch } from './fetch.js';

export interface DropboxRemoteOptions {
  /** The app key (OAuth client_id) of the registered Dropbox app. */
  appKey: string;
  /** Refresh token from the PKCE sign-in (auth.ts). */
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
  /** Every SDK call goes through it: transient failures end as RemoteUnavailable, refused credentials as RemoteAuthFailed, the rest are rethrown as they are. */
  private readonly retry: Retry;
  private readonly fetch: ReturnType<typeof dropboxFetch>;

  constructor(opts: DropboxRemoteOptions) {
    if (!opts.appKey || !opts.refreshToken) throw new Error('Dropbox needs an app key and a refresh token');
    const folder = opts.rootFolder ?? '';
    if (folder !== '') assertRemoteName(folder);
    this.root = folder === '' ? '' : `/${folder}`;
    this.singleUploadLimit = opts.singleUploadLimit ?? 150_000_000;
    this.chunkSize = opts.sessionChunkSize ?? 32 * 1024 * 1024;
    if (this.chunkSize <= 0 || this.chunkSize > 150_000_000) throw new Error('Dropbox session chunk size out of range');
    const fetch = dropboxFetch(opts.apiBaseUrl, opts.requestTimeoutMs ?? 120_000);
    this.fetch = fetch;
    this.auth = new DropboxAuth({ clientId: opts.appKey, refreshToken: opts.refreshToken, fetch });
    this.dbx = new Dropbox({ auth: this.auth, fetch });
    this.retry = new Retry({
      service: 'Dropbox',
      // An expired access token the SDK thought still good: make it refresh before the next try.
      classify: (e) => classifyDropbox(e, () => this.auth.setAccessTokenExpiresAt(new Date(0))),
      authFailed: dropboxAuthFailed,
      maxAttempts: opts.maxAttempts,
      baseDelayMs: opts.baseDelayMs,
      maxDelayMs: opts.maxDelayMs,
      maxRetryAfterMs: opts.maxRetryAfterMs,
      random: opts.random,
    });
  }

  /** Checks that the sign-in works (users/get_current_account). Resolves to the Dropbox account ID. */
  async verifyAccess(): Promise<string> {
    try {
      const r = await this.retry.run(() => this.dbx.usersGetCurrentAccount());
      return r.result.account_id;
    } catch (e) {
      throw asRemoteError(e);
    }
  }

  private path(name: string): string {
    assertRemoteName(name);
    return `${this.root}/${name}`;
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
      const source: AsyncIterable<Uint8Array> =
        data instanceof Uint8Array
          ? (async function* () {
              yield data;
            })()
          : fromSource(data);
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
    const res = await this.retry.run(() => this.dbx.filesUpload({ ...this.commitInfo(path), contents: buf }));
    if (res.result.content_hash !== expected) throw new DropboxHashMismatch('upload');
  }

  private async uploadSession(path: string, head: Buffer[], rest: AsyncGenerator<Buffer>, hasher: DropboxContentHasher): Promise<void> {
    const first = head.shift()!;
    const start = await this.retry.run(() => this.dbx.filesUploadSessionStart({ contents: first, close: false }));
    const sessionId = start.result.session_id;
    let offset = first.length;
    const append = async (chunk: Buffer) => {
      const st: RetryState = { uncertain: false };
      try {
        await this.retry.run(() => this.dbx.filesUploadSessionAppendV2({ cursor: { session_id: sessionId, offset }, close: false, contents: chunk }), st);
      } catch (e) {
        // An earlier attempt landed but its answer was lost: Dropbox already has this chunk.
        if (!(st.uncertain && correctOffset(e) === offset + chunk.length)) throw e;
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
    const st: RetryState = { uncertain: false };
    let hash: string | undefined;
    try {
      const res = await this.retry.run(
        () => this.dbx.filesUploadSessionFinish({ cursor: { session_id: sessionId, offset }, commit: this.commitInfo(path), contents: Buffer.alloc(0) }),
        st,
      );
      hash = res.result.content_hash;
    } catch (e) {
      // The first finish committed but its answer was lost: the session is gone; the file tells.
      if (!(st.uncertain && isPathNotFound(e))) throw e;
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
        const st: RetryState = { uncertain: false };
        try {
          await this.retry.run(
            () => this.dbx.filesMoveV2({ from_path: src, to_path: dst, autorename: false, allow_shared_folder: false, allow_ownership_transfer: false }),
            st,
          );
          return;
        } catch (e) {
          if (isPathNotFound(e)) {
            // An earlier attempt moved it but the answer was lost.
            if (st.uncertain && (await this.metadata(dst))?.['.tag'] === 'file') return;
            throw new RemoteNotFound(from);
          }
          if (!isConflict(e) || round >= 3) throw e;
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
      await this.retry.run(() => this.dbx.filesDeleteV2({ path }));
    } catch (e) {
      if (!isPathNotFound(e)) throw e;
    }
  }

  // ---- reads -----------------------------------------------------------------

  private async metadata(path: string): Promise<files.FileMetadataReference | files.FolderMetadataReference | files.DeletedMetadataReference | undefined> {
    try {
      const r = await this.retry.run(() => this.dbx.filesGetMetadata({ path }));
      return r.result;
    } catch (e) {
      if (isPathNotFound(e)) return undefined;
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
  private async openDownload(name: string, max: number): Promise<{ meta: files.FileMetadata; whole?: Buffer; body?: NodeJS.ReadableStream }> {
    const path = this.path(name);
    try {
      return await this.retry.run(async () => {
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
        if (meta.size > max) {
          (res.body as unknown as Readable).destroy();
          throw new RemoteTooLarge(name); // not read: the size Dropbox gives comes before the body
        }
        if (meta.size > STREAM_ABOVE) return { meta, body: res.body };
        return { meta, whole: await res.buffer() };
      });
    } catch (e) {
      if (isPathNotFound(e)) throw new RemoteNotFound(name);
      throw asRemoteError(e);
    }
  }

  private static checked(meta: files.FileMetadata, bytes: number, hash: string): void {
    if (bytes !== meta.size || (meta.content_hash !== undefined && hash !== meta.content_hash)) throw new DropboxHashMismatch('download');
  }

  get(name: string): AsyncIterable<Uint8Array> {
    return this.download(name, Infinity);
  }

  private async *download(name: string, max: number): AsyncIterable<Uint8Array> {
    const { meta, whole, body } = await this.openDownload(name, max);
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

  read(name: string, max: number): Promise<Uint8Array> {
    return readAtMost(name, this.download(name, max), max); // stops at the bound whatever the size said
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
        page = (await this.retry.run(() => this.dbx.filesListFolder({ path: folder, recursive: true, include_deleted: false }))).result;
      } catch (e) {
        if (isPathNotFound(e)) return;
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
        page = (await this.retry.run(() => this.dbx.filesListFolderContinue({ cursor }))).result;
      } catch (e) {
        if (isReset(e)) {
          throw new RemoteUnavailable('the Dropbox listing was reset; Casevault will list again later');
        }
        throw asRemoteError(e);
      }
    }
  }
}
