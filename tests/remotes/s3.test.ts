// S3Remote and S3Storage (engine/remotes/s3/) against a real S3 server,
// Ceph's S3 gateway (tests/helpers/s3.ts), through a fault proxy
// (tests/s3/fault-proxy.ts). The Remote conformance suite, with its
// failures made real: every request answered 503 SlowDown (unavailable), a
// wrong secret the gateway refuses (auth), a second user's key that the
// bucket's policy lets only read (permission), a bucket quota (full). Then
// what is S3's own: listing past 1000 keys, retries of SlowDown, 500 and a
// dropped connection, a body changed on the way refused by its Content-MD5,
// multipart uploads that leave nothing behind when they fail, ranged reads,
// and the conditional create behind the backup repository's lock.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { DeleteObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { RemoteError, RemoteNotFound, RemotePermanent, RemoteUnavailable } from '../../engine/remotes/remote.js';
import { ObjectLocked, S3Remote, type S3RemoteOptions } from '../../engine/remotes/s3/remote.js';
import { S3Storage } from '../../engine/remotes/s3/storage.js';
import { describeS3, type S3Server } from '../helpers/s3.js';
import { FaultProxy } from '../s3/fault-proxy.js';
import { ANY_SIZE, remoteConformance, type RemoteFaults } from './conformance.js';

const READER = { accessKeyId: 'casevault-reader', secretAccessKey: 'reader-secret-for-tests-only' };
/** Quick retries: the faults below last, so waiting would only slow the tests. */
const FAST: S3RemoteOptions = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

let server: S3Server;
let proxy: FaultProxy;

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

/** A remote on a fresh bucket, through the proxy, whose keys the test can change. */
async function fresh(o: S3RemoteOptions = {}) {
  const bucket = await server.makeBucket();
  const keys = { ...server.conn };
  const opts: S3RemoteOptions = {
    ...FAST,
    ...o,
    credentials: async () => ({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, expiration: new Date() }),
  }; // expired at once: the SDK asks again before each request
  const conn = { ...server.conn, endpoint: proxy.url };
  const location = { bucket, prefix: 'unions/branch-7/alice' };
  return { bucket, keys, location, conn, opts, remote: new S3Remote(location, conn, opts) };
}

function faults(bucket: string, keys: { accessKeyId: string; secretAccessKey: string }): RemoteFaults {
  let quota = false;
  return {
    unavailable: async () => proxy.inject('slowdown'),
    auth: async () => {
      keys.secretAccessKey = 'not-the-secret';
    },
    permission: async () => {
      const policy = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: [`arn:aws:iam:::user/${READER.accessKeyId}`] },
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
        ],
      };
      await server.admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
      Object.assign(keys, READER);
    },
    full: async () => {
      server.rgwAdmin(['quota', 'set', '--quota-scope=bucket', `--bucket=${bucket}`, '--max-size=65536']);
      server.rgwAdmin(['quota', 'enable', '--quota-scope=bucket', `--bucket=${bucket}`]);
      quota = true;
    },
    restore: async () => {
      proxy.clear();
      Object.assign(keys, { accessKeyId: server.conn.accessKeyId, secretAccessKey: server.conn.secretAccessKey });
      if (quota) server.rgwAdmin(['quota', 'disable', '--quota-scope=bucket', `--bucket=${bucket}`]);
      quota = false;
    },
  };
}

/** The gateway kept, the fault proxy put in front of it, and the reader user made. */
async function started(s: S3Server): Promise<void> {
  server = s;
  proxy = await FaultProxy.start(s.endpoint);
  s.rgwAdmin([
    'user',
    'create',
    `--uid=${READER.accessKeyId}`,
    '--display-name=reader',
    `--access-key=${READER.accessKeyId}`,
    `--secret=${READER.secretAccessKey}`,
  ]);
}

describeS3('S3 remote and storage on Ceph', { started }, () => {
  after(async () => {
    await proxy?.close();
  });

  remoteConformance('S3 (Ceph radosgw)', async () => {
    const f = await fresh();
    return { remote: f.remote, faults: faults(f.bucket, f.keys), cleanup: () => f.remote.destroy() };
  });

  it('lists past one page: 1100 objects, in pages of 1000', async () => {
    const { remote } = await fresh();
    const names = Array.from({ length: 1100 }, (_, i) => `objects/${(i % 256).toString(16).padStart(2, '0')}/${i.toString(16).padStart(8, '0')}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => remote.put(n, Buffer.from(n))));
    const before = proxy.seen.length;
    const listed: string[] = [];
    for await (const e of remote.list('objects/')) listed.push(e.name);
    assert.deepEqual(listed.sort(), [...names].sort());
    assert.equal(proxy.seen.slice(before).filter((r) => r.includes('list-type=2')).length, 2, 'two pages');
  });

  it('retries 503 SlowDown, 500 and a dropped connection, then succeeds; gives RemoteUnavailable once the attempts run out', async () => {
    const { remote } = await fresh({ maxAttempts: 4 });
    for (const fault of ['slowdown', 'internal', 'drop'] as const) {
      proxy.inject(fault, 3);
      await remote.put('casevault.key', Buffer.from(fault));
      proxy.inject(fault, 3);
      assert.equal(Buffer.from(await remote.read('casevault.key', ANY_SIZE)).toString(), fault);
    }
    proxy.inject('slowdown', 4);
    await assert.rejects(remote.stat('casevault.key'), RemoteUnavailable);
    proxy.clear();
  });

  it('a body changed on the way is refused by its Content-MD5 (integrity), and no object is left', async () => {
    const { remote } = await fresh({ maxAttempts: 1 });
    proxy.inject('corrupt', 1);
    await assert.rejects(remote.put('objects/aa/aa01', randomBytes(4096)), (e: unknown) => e instanceof RemotePermanent && e.reason === 'integrity');
    assert.equal(await remote.stat('objects/aa/aa01'), undefined);
  });

  it('a multipart upload round trips; one whose data fails part-way leaves neither an object nor an unfinished upload', async () => {
    const { remote, bucket } = await fresh({ partSize: 5 * 1024 * 1024 });
    const data = randomBytes(12 * 1024 * 1024 + 5);
    async function* pieces(fail: boolean) {
      for (let o = 0; o < data.length; o += 1_000_003) {
        if (fail && o > 7 * 1024 * 1024) throw new Error('the vault file changed while it was read');
        yield data.subarray(o, o + 1_000_003);
      }
    }
    await remote.put('objects/bb/big', pieces(false));
    assert.ok((await collect(remote.get('objects/bb/big'))).equals(data));
    await assert.rejects(remote.put('objects/bb/broken', pieces(true)), { message: 'the vault file changed while it was read' });
    assert.equal(await remote.stat('objects/bb/broken'), undefined);
    const pending = await server.admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.deepEqual(pending.Uploads ?? [], [], 'the failed upload was aborted');
  });

  it('storage: ranged reads, the conditional create of the lock (one winner of many), probe and a missing bucket', async () => {
    const { location, conn, opts } = await fresh();
    const s = new S3Storage(location, conn, opts);
    assert.equal(await s.probe(), 'empty');
    await s.create();
    await s.remote.put('packs/ab/abcd', Buffer.from('0123456789'));
    assert.equal(await s.probe(), 'used');
    assert.equal(Buffer.from(await s.readRange('packs/ab/abcd', 2, 3)).toString(), '234');
    assert.equal(Buffer.from(await s.readRange('packs/ab/abcd', 8, 5)).toString(), '89');
    assert.equal((await s.readRange('packs/ab/abcd', 10, 5)).length, 0);
    await assert.rejects(s.readRange('packs/ab/none', 0, 1), RemoteNotFound);

    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => s.createExclusive('lock', Buffer.from(`owner ${i}`))));
    assert.equal(wins.filter(Boolean).length, 1, 'exactly one creator holds the lock');
    const owner = wins.indexOf(true);
    assert.equal(Buffer.from(await s.remote.read('lock', ANY_SIZE)).toString(), `owner ${owner}`);
    assert.ok(Math.abs((await s.modifiedAt('lock'))! - Date.now()) < 10 * 60_000);
    assert.equal(await s.modifiedAt('nolock'), undefined);

    const gone = new S3Storage({ bucket: 'cv-no-such-bucket', prefix: '' }, conn, opts);
    assert.equal(await gone.probe(), 'missing');
    await assert.rejects(gone.create(), (e: unknown) => e instanceof RemoteUnavailable && /administrator/.test(e.message));
    await assert.rejects(gone.remote.put('x', Buffer.from('x')), (e: unknown) => e instanceof RemoteError && e.failure === 'unavailable');
  });

  it('Object Lock (a COMPLIANCE bucket): packs and snapshots carry the retention, deleting one is refused with its date, the rest goes', async () => {
    const bucket = await server.makeBucket({ objectLock: true });
    const s = new S3Storage({ bucket, prefix: 'backups/alice' }, { ...server.conn, endpoint: proxy.url }, { ...FAST, lockDays: async () => 3 });
    await s.remote.put('packs/ab/ab01', randomBytes(5000));
    await s.remote.put('snapshots/cd02', randomBytes(300));
    await s.remote.put('index/ef03', randomBytes(300));

    const head = async (name: string) => server.admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `backups/alice/${name}` }));
    for (const name of ['packs/ab/ab01', 'snapshots/cd02']) {
      const h = await head(name);
      assert.equal(h.ObjectLockMode, 'COMPLIANCE', name);
      const days = (h.ObjectLockRetainUntilDate!.getTime() - Date.now()) / 86_400_000;
      assert.ok(days > 2.9 && days <= 3, `${name}: retained for the policy's 3 days, got ${days}`);
    }
    assert.equal((await head('index/ef03')).ObjectLockMode, undefined, 'the index is not locked');

    await assert.rejects(s.remote.delete('packs/ab/ab01'), (e: unknown) => {
      assert.ok(e instanceof ObjectLocked && e.reason === 'refused', String(e));
      assert.equal(e.until.toISOString().slice(0, 10), new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
      assert.match(e.message, /Object Lock keeps this backup data until \d{4}-\d\d-\d\d; it can be removed from then on/);
      return true;
    });
    assert.equal((await s.remote.read('snapshots/cd02', ANY_SIZE)).length, 300);
    assert.equal((await s.remote.read('packs/ab/ab01', ANY_SIZE)).length, 5000, 'still there, whole');
    // Not even the bucket's owner deletes a locked version.
    const versions = await server.admin.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'backups/alice/packs/' }));
    await assert.rejects(
      server.admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'backups/alice/packs/ab/ab01', VersionId: versions.Versions![0]!.VersionId })),
      { name: 'AccessDenied' },
    );
    await s.remote.delete('index/ef03');
    assert.equal(await s.remote.stat('index/ef03'), undefined);
    const left = await server.admin.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'backups/alice/index/' }));
    assert.deepEqual([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])], [], 'deleted for good, not hidden behind a delete marker');
  });
});
