// The S3 remote: each object is an S3 object under the location's prefix, on
// any S3-compatible server (Ceph, MinIO, Wasabi, Backblaze B2, AWS), through
// the AWS SDK (client.ts: path-style, Content-MD5 on every body, the shared
// retry wrapper).
//
// - put(): S3 has no rename and needs none here: a PUT is atomic (readers
//   see the old object or the whole new one), so each object is written
//   once under its final name. Up to `partSize` bytes it is one PUT; above,
//   a multipart upload (@aws-sdk/lib-storage), which S3 shows only once it
//   is completed, and aborts when it fails, so no half-written object is
//   ever seen. A failure of the caller's own data passes through as it is.
// - move(): a server-side copy, then a delete of the source; a crash in
//   between leaves both copies, which the contract tolerates (the target is
//   whole, the source is what it was).
// - list(): ListObjectsV2 pages (1000 keys each) until the last.
// - get(): one GetObject, streamed; a single-PUT object's ETag is its MD5,
//   checked once the body is read.
// - Messages never carry key names, access keys or server text.
// - The SDK is loaded, and the connection asked for, at the first request
//   (sdk()): making a remote loads nothing.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  assertRemoteName,
  fromSource,
  RemoteAuthFailed,
  readAtMost,
  RemoteNotFound,
  RemotePermanent,
  RemoteTooLarge,
  RemoteUnavailable,
  type Remote,
  type RemoteEntry,
} from '../remote.js';
import type { Credentials, S3ClientOptions } from './client.js';
import { asS3RemoteError, classifyS3, s3Code, s3Status } from './errors.js';
import { s3Url, type S3Connection, type S3Location } from './location.js';

export interface S3RemoteOptions extends S3ClientOptions {
  /** Bytes per part of a multipart upload; objects up to this size are one PUT. Default 16 MiB (S3's least is 5 MiB). */
  partSize?: number;
  /** The keys as a function (tests change them under a running remote); default: the connection's. */
  credentials?: Credentials;
  /**
   * Where the bucket has Object Lock enabled: the objects whose names match
   * are written with a COMPLIANCE retention of `days()` days, and deleting
   * one before then fails with ObjectLocked (the backup storage: packs and
   * snapshots, for the backup policy's days).
   */
  objectLock?: { names: RegExp; days: () => Promise<number> };
}

/** Object Lock keeps the object until `until`: nobody (this key, a thief's copy of it, the bucket's owner) can delete it sooner. */
export class ObjectLocked extends RemotePermanent {
  constructor(readonly until: Date) {
    super('refused', `the S3 storage's Object Lock keeps this backup data until ${until.toISOString().slice(0, 10)}; it can be removed from then on`);
    this.name = 'ObjectLocked';
  }
}

type Sdk = typeof import('@aws-sdk/client-s3');
type Lib = typeof import('@aws-sdk/lib-storage');

/** The SDK, a client and the connection it was made with: made at the first request, so that building a remote loads nothing. */
export interface S3Session {
  S3: Sdk;
  Upload: Lib['Upload'];
  client: S3Client;
}

/** The connection, or a function giving it (undefined: none is to be had: the remote's calls fail with RemoteAuthFailed). */
export type S3ConnectionSource = S3Connection | (() => Promise<S3Connection | undefined>);

const READ_SLICE = 1024 * 1024;
const MAX_SINGLE_COPY = 5 * 1024 ** 3;
const AUTH_OR_DENIED = /^(InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AccessDenied)$/;

export class S3Remote implements Remote {
  readonly description: string;
  private session: Promise<S3Session> | undefined;
  private lockEnabled: Promise<boolean> | undefined;
  private readonly base: string; // '' or 'prefix/'
  private readonly partSize: number;

  constructor(
    readonly location: S3Location,
    private readonly conn: S3ConnectionSource,
    private readonly o: S3RemoteOptions = {},
  ) {
    this.description = `S3 ${s3Url(location)}`;
    this.base = location.prefix ? `${location.prefix}/` : '';
    this.partSize = Math.max(5 * 1024 * 1024, o.partSize ?? 16 * 1024 * 1024);
  }

  /** The SDK and a client, loaded and made at the first call (a failed attempt is tried afresh at the next). */
  sdk(): Promise<S3Session> {
    this.session ??= (async () => {
      const conn = typeof this.conn === 'function' ? await this.conn() : this.conn;
      if (!conn) throw new RemoteAuthFailed('connecting to S3 storage needs its address and an access key');
      const [S3, lib, { makeS3Client }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage'), import('./client.js')]);
      return { S3, Upload: lib.Upload, client: makeS3Client(conn, this.o, this.o.credentials) };
    })().catch((e: unknown) => {
      this.session = undefined;
      throw e;
    });
    return this.session;
  }

  /** Closes the client's connections (tests). */
  async destroy(): Promise<void> {
    if (this.session) (await this.session.catch(() => undefined))?.client.destroy();
  }

  /** Whether the bucket has Object Lock enabled (asked once; a bucket whose lock settings cannot be read counts as without). */
  private locking(): Promise<boolean> {
    this.lockEnabled ??= (async () => {
      if (!this.o.objectLock) return false;
      const { client, S3 } = await this.sdk();
      const r = await client.send(new S3.GetObjectLockConfigurationCommand({ Bucket: this.bucket })).catch(() => undefined);
      return r?.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
    })().catch((e: unknown) => {
      this.lockEnabled = undefined;
      throw e;
    });
    return this.lockEnabled;
  }

  /** The Object Lock headers of a PUT of `name`: a COMPLIANCE retention where the bucket locks and the name is one to lock. */
  private async retention(name: string): Promise<{ ObjectLockMode?: 'COMPLIANCE'; ObjectLockRetainUntilDate?: Date }> {
    const lock = this.o.objectLock;
    if (!lock || !lock.names.test(name) || !(await this.locking())) return {};
    return { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + (await lock.days()) * 86_400_000) };
  }

  get bucket(): string {
    return this.location.bucket;
  }

  /** The S3 key of an object name. */
  key(name: string): string {
    assertRemoteName(name);
    return this.base + name;
  }

  async put(name: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const Key = this.key(name);
    try {
      const { client, S3, Upload } = await this.sdk();
      const extras = await this.retention(name);
      if (data instanceof Uint8Array && data.length <= this.partSize) {
        await client.send(new S3.PutObjectCommand({ Bucket: this.bucket, Key, Body: data, ...extras }));
        return;
      }
      const body = data instanceof Uint8Array ? data : Readable.from(fromSource(data), { objectMode: false });
      const upload = new Upload({ client, params: { Bucket: this.bucket, Key, Body: body, ...extras }, partSize: this.partSize, queueSize: 2 });
      try {
        await upload.done();
      } finally {
        if (body instanceof Readable) body.destroy();
      }
    } catch (e) {
      throw asS3RemoteError(e);
    }
  }

  async move(from: string, to: string): Promise<void> {
    const src = this.key(from);
    const dst = this.key(to);
    try {
      const { client, S3 } = await this.sdk();
      const st = await this.stat(from);
      if (!st) throw new RemoteNotFound(from);
      if (src === dst) return;
      if (st.size > MAX_SINGLE_COPY) throw new RemotePermanent('refused', 'an object over 5 GiB cannot be moved within S3 storage in one copy');
      const extras = await this.retention(to);
      await client.send(new S3.CopyObjectCommand({ Bucket: this.bucket, Key: dst, CopySource: `${this.bucket}/${src}`, ...extras }));
      await client.send(new S3.DeleteObjectCommand({ Bucket: this.bucket, Key: src }));
    } catch (e) {
      throw asS3RemoteError(e, from);
    }
  }

  async delete(name: string): Promise<void> {
    const Key = this.key(name);
    try {
      const { client, S3 } = await this.sdk();
      if (await this.locking()) {
        await this.deleteVersions(Key);
        return;
      }
      await client.send(new S3.DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (e) {
      // Deleting an absent object is not an error (S3 itself says 204 for it).
      if (classifyS3(e).failure === 'not-found') return;
      throw asS3RemoteError(e);
    }
  }

  /**
   * A locking bucket keeps versions: a plain delete would only hide the
   * object behind a delete marker, its bytes kept. So each version is
   * deleted by its ID, and one the lock still holds says until when.
   */
  private async deleteVersions(Key: string): Promise<void> {
    const { client, S3 } = await this.sdk();
    const page = await client.send(new S3.ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: Key }));
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((v) => v.Key === Key && v.VersionId);
    for (const v of versions) {
      try {
        await client.send(new S3.DeleteObjectCommand({ Bucket: this.bucket, Key, VersionId: v.VersionId }));
      } catch (e) {
        if (s3Code(e) !== 'AccessDenied') throw e;
        const r = await client.send(new S3.GetObjectRetentionCommand({ Bucket: this.bucket, Key, VersionId: v.VersionId })).catch(() => undefined);
        const until = r?.Retention?.RetainUntilDate;
        if (until && until.getTime() > Date.now()) throw new ObjectLocked(until);
        throw e;
      }
    }
  }

  async stat(name: string): Promise<RemoteEntry | undefined> {
    const Key = this.key(name);
    try {
      const { client, S3 } = await this.sdk();
      const h = await client.send(new S3.HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { name, size: h.ContentLength ?? 0 };
    } catch (e) {
      if (classifyS3(e).failure === 'not-found') return undefined;
      // A refused HEAD has no body, so no S3 error code: a refused key and a refused permission look alike. A GET's answer tells.
      if (s3Status(e) === 403 && !AUTH_OR_DENIED.test(s3Code(e) ?? '')) await this.readRange(name, 0, 1);
      throw asS3RemoteError(e);
    }
  }

  /** The object's stream and what S3 says of it. */
  private async open(name: string): Promise<{ body: AsyncIterable<Uint8Array>; etag?: string; length?: number }> {
    const Key = this.key(name);
    try {
      const { client, S3 } = await this.sdk();
      const r = await client.send(new S3.GetObjectCommand({ Bucket: this.bucket, Key }));
      // With server-side encryption by KMS or a customer's key, the ETag is not the MD5 of the bytes (AWS): nothing to check it against.
      const md5Etag = r.ServerSideEncryption === 'aws:kms' || r.ServerSideEncryption === 'aws:kms:dsse' || r.SSECustomerAlgorithm ? undefined : r.ETag;
      return { body: (r.Body as AsyncIterable<Uint8Array> | undefined) ?? (async function* () {})(), etag: md5Etag, length: r.ContentLength };
    } catch (e) {
      throw asS3RemoteError(e, name);
    }
  }

  get(name: string): AsyncIterable<Uint8Array> {
    return this.download(name, Infinity);
  }

  /** The object's bytes; RemoteTooLarge before any is read if S3 says it holds more than `max`. */
  private async *download(name: string, max: number): AsyncIterable<Uint8Array> {
    const { body, etag, length } = await this.open(name);
    if (length !== undefined && length > max) {
      (body as Readable).destroy?.();
      throw new RemoteTooLarge(name);
    }
    // A single-PUT object's ETag is the MD5 of its bytes (a multipart one's has a '-'): check it.
    const md5 = etag && /^"?[0-9a-f]{32}"?$/.test(etag) ? createHash('md5') : undefined;
    let bytes = 0;
    try {
      for await (const piece of body) {
        md5?.update(piece);
        bytes += piece.length;
        for (let o = 0; o < piece.length; o += READ_SLICE) yield piece.subarray(o, Math.min(o + READ_SLICE, piece.length));
      }
    } catch {
      throw new RemoteUnavailable('the S3 download was cut short; Casevault will try again later');
    }
    if ((length !== undefined && bytes !== length) || (md5 && `"${md5.digest('hex')}"` !== `"${etag!.replace(/"/g, '')}"`)) {
      throw new RemotePermanent('integrity', 'the S3 storage sent different bytes than it stored (checksum mismatch)');
    }
  }

  read(name: string, max: number): Promise<Uint8Array> {
    return readAtMost(name, this.download(name, max), max); // stops at the bound whatever the length said
  }

  /** A byte range of an object (fewer bytes at its end; none past it). */
  async readRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    const Key = this.key(name);
    let r;
    try {
      const { client, S3 } = await this.sdk();
      r = await client.send(new S3.GetObjectCommand({ Bucket: this.bucket, Key, Range: `bytes=${offset}-${offset + length - 1}` }));
    } catch (e) {
      // Past the end of the object, S3 answers 416 InvalidRange: no bytes there.
      if (s3Code(e) === 'InvalidRange') return new Uint8Array(0);
      throw asS3RemoteError(e, name);
    }
    try {
      const out = r.Body ? Buffer.from(await r.Body.transformToByteArray()) : Buffer.alloc(0);
      if (r.ContentLength === undefined || out.length === r.ContentLength) return new Uint8Array(out.buffer, out.byteOffset, Math.min(out.length, length));
    } catch {
      // The connection dropped part-way through the body: as a body cut short.
    }
    throw new RemoteUnavailable('the S3 download was cut short; Casevault will try again later');
  }

  async *list(prefix: string): AsyncIterable<RemoteEntry> {
    if (!/^[A-Za-z0-9._/-]*$/.test(prefix)) throw new Error('internal error: unsafe remote object name');
    let token: string | undefined;
    do {
      let page;
      try {
        const { client, S3 } = await this.sdk();
        page = await client.send(
          new S3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.base + prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
      } catch (e) {
        throw asS3RemoteError(e);
      }
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        const name = o.Key.slice(this.base.length);
        if (SAFE_NAME.test(name)) yield { name, size: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
