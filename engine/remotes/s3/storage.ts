// A backup repository on S3-compatible storage (engine/backup/storage.ts's
// RepoStorage): the S3 remote, ranged GETs for one blob of a pack, and the
// repository lock by conditional create: a PUT with `If-None-Match: *`,
// which the server refuses (412) when the key exists, so two computers can
// never both hold the lock, and the lock is never seen half written (a PUT
// is atomic). Buckets are made by the union's administrator, never by
// Casevault: create() only checks that the bucket is there. Where the bucket
// has Object Lock enabled, packs and snapshots are written with a COMPLIANCE
// retention of the backup policy's days of dailies (remote.ts): neither a
// thief with the laptop's key nor ransomware, nor the bucket's owner, can
// delete them before then. COMPLIANCE rather than GOVERNANCE because
// GOVERNANCE yields to any key allowed s3:BypassGovernanceRetention, and the
// point is that no key can; the retention is as many days as the policy
// keeps dailies (two weeks by default), so it holds recent backups against
// deletion without keeping case data for long past the policy.
import type { RepoStorage } from '../../backup/storage.js';
import { RemoteUnavailable } from '../remote.js';
import { asS3RemoteError, classifyS3, s3Code, s3Status } from './errors.js';
import type { S3Location } from './location.js';
import { DEFAULT_RETENTION } from '../../backup/retention.js';
import { S3Remote, type S3ConnectionSource, type S3RemoteOptions } from './remote.js';

const NO_BUCKET = "the S3 bucket is not there; buckets are made by the union's storage administrator: ask them to make it, then try again";

/** What Object Lock holds: the packs (the data) and the snapshots (what names it); the index and the lock are rewritten and removed as a matter of course. */
const LOCKED = /^(packs|snapshots)\//;

export interface S3StorageOptions extends S3RemoteOptions {
  /** Days of Object Lock retention for packs and snapshots (default: the default policy's days of dailies). */
  lockDays?: () => Promise<number>;
}

export class S3Storage implements RepoStorage {
  readonly remote: S3Remote;

  constructor(location: S3Location, conn: S3ConnectionSource, o: S3StorageOptions = {}) {
    const days = o.lockDays ?? (async () => DEFAULT_RETENTION.daily);
    this.remote = new S3Remote(location, conn, { objectLock: { names: LOCKED, days: async () => Math.max(1, await days()) }, ...o });
  }

  readRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    return this.remote.readRange(name, offset, length);
  }

  /**
   * A conditional PUT. Where an earlier attempt's answer was lost and the
   * retry is refused because that attempt landed, the object there is this
   * one's own: its bytes tell (a lock's content names its owner uniquely).
   */
  async createExclusive(name: string, data: Uint8Array): Promise<boolean> {
    const Key = this.remote.key(name);
    try {
      const { client, S3 } = await this.remote.sdk();
      await client.send(new S3.PutObjectCommand({ Bucket: this.remote.bucket, Key, Body: data, IfNoneMatch: '*' }));
      return true;
    } catch (e) {
      // 412: the key exists; 409 ConditionalRequestConflict: another create of it is under way.
      if (s3Status(e) !== 412 && s3Code(e) !== 'ConditionalRequestConflict') throw asS3RemoteError(e);
    }
    const there = await this.remote.read(name, data.length).catch(() => undefined); // larger than ours: not ours, and not read
    return there !== undefined && Buffer.from(there).equals(data);
  }

  async modifiedAt(name: string): Promise<number | undefined> {
    try {
      const { client, S3 } = await this.remote.sdk();
      const h = await client.send(new S3.HeadObjectCommand({ Bucket: this.remote.bucket, Key: this.remote.key(name) }));
      return h.LastModified?.getTime();
    } catch {
      return undefined; // unreadable: no age known, so the caller's default applies
    }
  }

  async probe(): Promise<'missing' | 'empty' | 'used'> {
    const Bucket = this.remote.bucket;
    try {
      const { client, S3 } = await this.remote.sdk();
      await client.send(new S3.HeadBucketCommand({ Bucket }));
    } catch (e) {
      const c = classifyS3(e);
      if (c.failure === 'not-found' || s3Code(e) === 'NoSuchBucket') return 'missing';
      throw asS3RemoteError(e);
    }
    const prefix = this.remote.location.prefix;
    try {
      const { client, S3 } = await this.remote.sdk();
      const page = await client.send(new S3.ListObjectsV2Command({ Bucket, Prefix: prefix ? `${prefix}/` : '', MaxKeys: 1 }));
      return (page.KeyCount ?? page.Contents?.length ?? 0) > 0 ? 'used' : 'empty';
    } catch (e) {
      throw asS3RemoteError(e);
    }
  }

  /** The prefix needs no making; the bucket must be there. */
  async create(): Promise<void> {
    if ((await this.probe()) === 'missing') throw new RemoteUnavailable(NO_BUCKET);
  }
}
