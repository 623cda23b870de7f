// DropboxRemote through the official SDK against the local Dropbox API server
// (tests/dropbox/server.ts), real HTTP on 127.0.0.1 only.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Dropbox, DropboxAuth, DropboxResponseError } from 'dropbox';
import { signInToDropbox, DropboxSignInError } from '../../engine/remotes/dropbox/auth.js';
import { DropboxContentHasher, dropboxContentHash } from '../../engine/remotes/dropbox/content-hash.js';
import { asRemoteError, classifyDropbox, DropboxHashMismatch } from '../../engine/remotes/dropbox/errors.js';
import { dropboxFetch } from '../../engine/remotes/dropbox/fetch.js';
import { DropboxRemote, type DropboxRemoteOptions } from '../../engine/remotes/dropbox/remote.js';
import { RemoteAuthFailed, RemoteNotFound, RemotePermanent, RemoteUnavailable, SourceFailed } from '../../engine/remotes/remote.js';
import { dropboxContentHash as serverContentHash, startDropboxServer, type DropboxServer } from '../dropbox/server.js';
import { ANY_SIZE, remoteConformance } from './conformance.js';

let server: DropboxServer;
let dir: string;
let folders = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cv-dbx-'));
  server = await startDropboxServer({ root: dir, pageSize: 5 });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A remote on its own fresh folder of the shared server, with quick retries. */
function makeRemote(extra: Partial<DropboxRemoteOptions> = {}): DropboxRemote {
  return new DropboxRemote({
    appKey: server.appKey,
    refreshToken: server.refreshToken,
    apiBaseUrl: server.url,
    rootFolder: `vault-${++folders}`,
    baseDelayMs: 2,
    maxDelayMs: 20,
    requestTimeoutMs: 10_000,
    ...extra,
  });
}

/** The SDK itself, pointed at the server (for checking the server's answers). */
function sdk(): Dropbox {
  const fetch = dropboxFetch(server.url, 10_000);
  return new Dropbox({ auth: new DropboxAuth({ clientId: server.appKey, refreshToken: server.refreshToken, fetch }), fetch });
}

async function* chunksOf(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < data.length; o += size) yield data.subarray(o, Math.min(o + size, data.length));
}

// A server of its own per case: the auth fault revokes every refresh token it knows.
remoteConformance('DropboxRemote + local Dropbox server', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cv-dbx-conf-'));
  const s = await startDropboxServer({ root, pageSize: 5 });
  const remote = new DropboxRemote({
    appKey: s.appKey,
    refreshToken: s.refreshToken,
    apiBaseUrl: s.url,
    rootFolder: 'vault',
    maxAttempts: 3,
    baseDelayMs: 2,
    maxDelayMs: 20,
    requestTimeoutMs: 10_000,
  });
  return {
    remote,
    faults: {
      unavailable: async () => s.setFaults({ rate500: 0.5, rate503: 0.5, retryAfterSeconds: 0 }),
      auth: async () => {
        s.revokeRefreshTokens();
        s.expireAllTokens();
      },
      permission: async () => s.setFaults({ refuseWrites: 'no_write_permission' }),
      full: async () => s.setFaults({ refuseWrites: 'insufficient_space' }),
      restore: async () => s.setFaults({}),
    },
    cleanup: async () => {
      await s.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('local Dropbox server speaks Dropbox', () => {
  it('content_hash: the server and the remote agree, across 4 MiB blocks', () => {
    const M = 4 * 1024 * 1024;
    assert.equal(dropboxContentHash(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const one = createHash('sha256').update(Buffer.from('abc')).digest();
    assert.equal(dropboxContentHash(Buffer.from('abc')), createHash('sha256').update(one).digest('hex'));
    for (const n of [1, M - 1, M, M + 1, 2 * M + 17]) {
      const d = randomBytes(n);
      const h = new DropboxContentHasher();
      for (let o = 0; o < n; o += 999_999) h.update(d.subarray(o, o + 999_999));
      assert.equal(h.digest(), serverContentHash(d), `size ${n}`);
      assert.equal(dropboxContentHash(d), serverContentHash(d));
    }
  });

  it('answers with Dropbox shapes: 409 errors, case-insensitive paths, paging cursors', async () => {
    const d = sdk();
    const up = await d.filesUpload({ path: '/Shape/Mixed/File.TXT', contents: Buffer.from('hello'), mode: { '.tag': 'add' } });
    assert.equal(up.result.path_lower, '/shape/mixed/file.txt');
    assert.equal(up.result.path_display, '/Shape/Mixed/File.TXT');
    assert.equal(up.result.content_hash, serverContentHash(Buffer.from('hello')));
    const m = await d.filesGetMetadata({ path: '/shape/MIXED/file.txt' });
    assert.equal(m.result['.tag'], 'file');
    assert.equal(m.result.path_display, '/Shape/Mixed/File.TXT');

    const err = await d.filesGetMetadata({ path: '/shape/none' }).catch((e: unknown) => e);
    assert.ok(err instanceof DropboxResponseError);
    assert.equal(err.status, 409);
    assert.deepEqual(err.error, { error_summary: 'path/not_found/..', error: { '.tag': 'path', path: { '.tag': 'not_found' } } });

    const conflict = await d
      .filesUpload({ path: '/shape/mixed/file.txt', contents: Buffer.from('other'), mode: { '.tag': 'add' } })
      .catch((e: unknown) => e as DropboxResponseError<{ error_summary: string }>);
    assert.equal((conflict as DropboxResponseError<{ error_summary: string }>).error.error_summary, 'path/conflict/file/..');

    const delErr = await d.filesDeleteV2({ path: '/shape/none' }).catch((e: unknown) => e as DropboxResponseError<{ error_summary: string }>);
    assert.equal((delErr as DropboxResponseError<{ error_summary: string }>).error.error_summary, 'path_lookup/not_found/..');

    for (let i = 0; i < 12; i++) await d.filesUpload({ path: `/shape/many/f${i}`, contents: Buffer.from([i]) });
    let page = (await d.filesListFolder({ path: '/Shape', recursive: true })).result;
    const seen: string[] = [];
    let pages = 1;
    for (;;) {
      seen.push(...page.entries.map((e) => `${e['.tag']}:${e.path_lower}`));
      if (!page.has_more) break;
      page = (await d.filesListFolderContinue({ cursor: page.cursor })).result;
      pages++;
    }
    assert.ok(pages >= 3, `paged (${pages} pages)`);
    assert.equal(seen.filter((s) => s.startsWith('file:')).length, 13);
    assert.ok(seen.includes('folder:/shape/many'));

    const acct = await d.usersGetCurrentAccount();
    assert.equal(typeof acct.result.account_id, 'string');

    const dl = await d.filesDownload({ path: '/SHAPE/mixed/file.txt' });
    assert.equal((dl.result as unknown as { fileBinary: Buffer }).fileBinary.toString(), 'hello');
  });

  it('401s for unknown and expired tokens; an interrupted upload leaves nothing', async () => {
    const post = (token: string) =>
      fetch(`${server.url}/2/files/get_metadata`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ path: '/x' }),
      });
    const r1 = await post('not-a-token');
    assert.equal(r1.status, 401);
    assert.deepEqual(await r1.json(), { error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } });
    const tok = await fetch(`${server.url}/oauth2/token?grant_type=refresh_token&refresh_token=${server.refreshToken}&client_id=${server.appKey}`, {
      method: 'POST',
    });
    const { access_token } = (await tok.json()) as { access_token: string };
    assert.equal((await post(access_token)).status, 409);
    server.expireAllTokens();
    const r2 = await post(access_token);
    assert.equal(r2.status, 401);
    assert.equal(((await r2.json()) as { error_summary: string }).error_summary, 'expired_access_token/..');

    server.failNext({ fault: 'drop-upload', endpoint: '/2/files/upload' });
    await assert.rejects(sdk().filesUpload({ path: '/cut/file', contents: randomBytes(512 * 1024) }));
    assert.deepEqual(server.files('/cut'), []);
  });
});

describe('Dropbox failures as the Remote failure classes', () => {
  const response = (status: number, error: unknown, headers: Record<string, string> = {}) => new DropboxResponseError(status, new Headers(headers), error);
  const api = (summary: string) => response(409, { error_summary: summary, error: {} });
  const refresh = () => {};

  it('classifies each attempt for the retry wrapper', () => {
    assert.deepEqual(classifyDropbox(response(429, {}, { 'retry-after': '3' }), refresh), { failure: 'unavailable', retryAfterMs: 3000 });
    assert.deepEqual(classifyDropbox(response(503, 'Service Unavailable'), refresh), { failure: 'unavailable', uncertain: true, retryAfterMs: undefined });
    assert.deepEqual(classifyDropbox(api('too_many_write_operations/..'), refresh), { failure: 'unavailable', retryAfterMs: undefined });
    assert.deepEqual(classifyDropbox(response(401, { error_summary: 'expired_access_token/..' }), refresh), { failure: 'auth', refresh });
    assert.deepEqual(classifyDropbox(response(401, { error_summary: 'missing_scope/..' }), refresh), { failure: 'auth' });
    assert.deepEqual(classifyDropbox(response(400, { error: 'invalid_grant' }), refresh), { failure: 'auth' });
    assert.deepEqual(classifyDropbox(api('path/not_found/..'), refresh), { failure: 'not-found' });
    assert.deepEqual(classifyDropbox(api('path/conflict/file/..'), refresh), { failure: 'permanent' });
    assert.deepEqual(classifyDropbox(Object.assign(new Error('socket hang up'), { name: 'FetchError' }), refresh), { failure: 'unavailable', uncertain: true });
    assert.deepEqual(classifyDropbox(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), refresh), { failure: 'unavailable', uncertain: true });
    assert.deepEqual(classifyDropbox(new TypeError('a bug'), refresh), { failure: 'permanent' });
  });

  it("maps what is left at a method's boundary, in words that carry only Dropbox's tags", () => {
    const permanent = (e: unknown, reason: string, message: string | RegExp) => {
      assert.ok(e instanceof RemotePermanent);
      assert.equal(e.reason, reason);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
    };
    permanent(asRemoteError(api('path/conflict/folder/..')), 'refused', 'Dropbox refused the request (HTTP 409, path/conflict/folder)');
    permanent(asRemoteError(response(400, 'Error in call to API function "files/upload": /vault/secret')), 'refused', 'Dropbox refused the request (HTTP 400)');
    permanent(asRemoteError(api('path/insufficient_space/..')), 'full', /account is full/);
    permanent(asRemoteError(api('to/no_write_permission/..')), 'permission', /does not let Casevault write/);
    permanent(asRemoteError(new TypeError('a bug at /vault/secret')), 'refused', 'the Dropbox request failed unexpectedly');
    const mismatch = new DropboxHashMismatch('download');
    assert.equal(asRemoteError(mismatch), mismatch);
    assert.equal(mismatch.reason, 'integrity');
    assert.equal(mismatch.name, 'DropboxHashMismatch');
    const own = new Error('the vault file changed while it was read');
    assert.equal(asRemoteError(new SourceFailed(own)), own);
  });
});

describe('DropboxRemote specifics', () => {
  it('uses an upload session above the threshold; exactly the threshold is one upload', async () => {
    const r = makeRemote({ singleUploadLimit: 1024 * 1024, sessionChunkSize: 256 * 1024 });
    const ep = (p: string) => server.stats.byEndpoint[p] ?? 0;
    const before = { single: ep('/2/files/upload'), start: ep('/2/files/upload_session/start'), finish: ep('/2/files/upload_session/finish') };

    const exact = randomBytes(1024 * 1024);
    await r.put('objects/aa/exact', exact);
    await r.put('objects/aa/exact-stream', chunksOf(exact, 100_000));
    assert.equal(ep('/2/files/upload') - before.single, 2);
    assert.equal(ep('/2/files/upload_session/start') - before.start, 0);

    const big = randomBytes(9 * 1024 * 1024 + 3); // crosses two 4 MiB hash blocks
    await r.put('objects/bb/big', chunksOf(big, 333_333));
    await r.put('objects/bb/big-array', big);
    assert.equal(ep('/2/files/upload_session/start') - before.start, 2);
    assert.equal(ep('/2/files/upload_session/finish') - before.finish, 2);
    assert.ok(ep('/2/files/upload_session/append_v2') >= 2 * 35);
    for (const n of ['objects/bb/big', 'objects/bb/big-array']) {
      assert.ok(Buffer.from(await r.read(n, ANY_SIZE)).equals(big));
      const f = server.files().find((x) => x.path.endsWith(`/${n}`))!;
      assert.equal(f.contentHash, serverContentHash(big));
      assert.ok((await server.readFile(f.path))!.equals(big));
    }
    assert.ok(Buffer.from(await r.read('objects/aa/exact-stream', ANY_SIZE)).equals(exact));
  });

  it('a corrupted upload or download is an error (content_hash checked)', async () => {
    const r = makeRemote({ singleUploadLimit: 64 * 1024, sessionChunkSize: 16 * 1024 });
    server.setFaults({ corruptUploads: 1 });
    await assert.rejects(r.put('objects/cc/small', randomBytes(1000)), DropboxHashMismatch);
    server.setFaults({ corruptUploads: 1 });
    await assert.rejects(r.put('objects/cc/session', randomBytes(100_000)), DropboxHashMismatch);
    server.setFaults({});
    const data = randomBytes(100_000);
    await r.put('objects/cc/session', data);
    assert.ok(Buffer.from(await r.read('objects/cc/session', ANY_SIZE)).equals(data));

    server.setFaults({ corruptDownloads: 1 });
    await assert.rejects(r.read('objects/cc/session', ANY_SIZE), (e: unknown) => {
      assert.ok(e instanceof DropboxHashMismatch);
      assert.ok(!e.message.includes('objects/'));
      return true;
    });
    server.setFaults({});
    assert.ok(Buffer.from(await r.read('objects/cc/session', ANY_SIZE)).equals(data));
    assert.equal(server.stats.faults['corrupt-upload'] !== undefined, true);
  });

  it('an object over 64 MiB is streamed, not held whole: equal bytes, and a corrupted download fails its content-hash check at the end', async () => {
    const r = makeRemote({ sessionChunkSize: 16 * 1024 * 1024 });
    const data = randomBytes(70 * 1024 * 1024 + 5);
    await r.put('objects/dd/large', chunksOf(data, 8 * 1024 * 1024));
    const got: Buffer[] = [];
    let biggest = 0;
    for await (const piece of r.get('objects/dd/large')) {
      biggest = Math.max(biggest, piece.length);
      got.push(Buffer.from(piece));
    }
    assert.ok(Buffer.concat(got).equals(data));
    assert.ok(biggest <= 1024 * 1024, 'handed on in pieces of at most 1 MiB');
    server.setFaults({ corruptDownloads: 1 });
    await assert.rejects(
      (async () => {
        for await (const _ of r.get('objects/dd/large')) void _;
      })(),
      DropboxHashMismatch,
    );
    server.setFaults({});
    await assert.rejects(r.read('objects/dd/missing', ANY_SIZE), RemoteNotFound);
  });

  it('refreshes the access token when it expires mid-run', async () => {
    const r = makeRemote();
    await r.put('objects/dd/a', Buffer.from('a'));
    const refreshes = server.stats.refreshes;
    server.expireAllTokens();
    assert.equal(Buffer.from(await r.read('objects/dd/a', ANY_SIZE)).toString(), 'a');
    assert.equal(server.stats.refreshes, refreshes + 1);
    server.failNext('expire-token');
    await r.put('objects/dd/b', Buffer.from('b'));
    assert.equal(server.stats.refreshes, refreshes + 2);
    assert.deepEqual(await r.stat('objects/dd/b'), { name: 'objects/dd/b', size: 1 });
  });

  it('a revoked refresh token is RemoteAuthFailed, asking to connect Dropbox again and naming no token', async () => {
    const dir2 = await mkdtemp(join(tmpdir(), 'cv-dbx2-'));
    const s2 = await startDropboxServer({ root: dir2 });
    try {
      const r = new DropboxRemote({ appKey: s2.appKey, refreshToken: s2.refreshToken, apiBaseUrl: s2.url, baseDelayMs: 1 });
      await r.put('x', Buffer.from('x'));
      s2.revokeRefreshTokens();
      s2.expireAllTokens();
      await assert.rejects(r.read('x', ANY_SIZE), (e: unknown) => {
        assert.ok(e instanceof RemoteAuthFailed, String(e));
        assert.equal(e.message, 'Dropbox refused the saved sign-in');
        assert.ok(!e.message.includes(s2.refreshToken));
        return true;
      });
      const wrongApp = new DropboxRemote({ appKey: 'other-app', refreshToken: s2.refreshToken, apiBaseUrl: s2.url });
      await assert.rejects(wrongApp.stat('x'), RemoteAuthFailed);
    } finally {
      await s2.close();
      await rm(dir2, { recursive: true, force: true });
    }
  });

  it('honours Retry-After, and gives up after maxAttempts with RemoteUnavailable', async () => {
    const r = makeRemote({ maxAttempts: 4 });
    await r.put('objects/ee/a', Buffer.from('a'));
    server.setFaults({ retryAfterSeconds: 1 });
    server.failNext('429');
    const t0 = Date.now();
    assert.deepEqual(await r.stat('objects/ee/a'), { name: 'objects/ee/a', size: 1 });
    assert.ok(Date.now() - t0 >= 950, `waited ${Date.now() - t0} ms`);

    server.setFaults({ rate503: 1, retryAfterSeconds: 0 });
    const n0 = server.stats.byEndpoint['/2/files/get_metadata'] ?? 0;
    await assert.rejects(r.stat('objects/ee/a'), RemoteUnavailable);
    assert.equal((server.stats.byEndpoint['/2/files/get_metadata'] ?? 0) - n0, 4);
    server.setFaults({});

    const patient = makeRemote({ maxRetryAfterMs: 5_000 });
    server.setFaults({ retryAfterSeconds: 3600 });
    server.failNext('429');
    await assert.rejects(patient.stat('objects/ee/a'), (e: unknown) => e instanceof RemoteUnavailable && e.retryAfterMs === 3_600_000);
    server.setFaults({});
  });

  it('a failed upload session closes the producer', async () => {
    const r = makeRemote({ singleUploadLimit: 16 * 1024, sessionChunkSize: 8 * 1024, maxAttempts: 2 });
    let closed = false;
    async function* producer() {
      try {
        for (let i = 0; i < 100; i++) yield randomBytes(4096);
      } finally {
        closed = true;
      }
    }
    server.failNext({ fault: '500', endpoint: '/2/files/upload_session/append_v2' }, { fault: '500', endpoint: '/2/files/upload_session/append_v2' });
    await assert.rejects(r.put('objects/ab/failing', producer()), RemoteUnavailable);
    assert.ok(closed);
    assert.equal(await r.stat('objects/ab/failing'), undefined);
  });

  it('times out slow answers and retries them', async () => {
    const r = makeRemote({ requestTimeoutMs: 100, maxAttempts: 2 });
    await r.put('objects/ab/slow', Buffer.from('s'));
    server.setFaults({ delayRate: 1, delayMs: 400 });
    await assert.rejects(r.stat('objects/ab/slow'), RemoteUnavailable); // each attempt timed out: without the timeout the slow answers would have come
    server.setFaults({ seed: 7, delayRate: 0.5, delayMs: 150 });
    const patient = makeRemote({ requestTimeoutMs: 1000 });
    await patient.put('objects/ab/slow', Buffer.from('slow'));
    assert.equal(Buffer.from(await patient.read('objects/ab/slow', ANY_SIZE)).toString(), 'slow');
    assert.ok((server.stats.faults.delay ?? 0) >= 2);
    server.setFaults({});
  });

  it('retries safely when an answer is lost after Dropbox applied the request', async () => {
    const r = makeRemote({ singleUploadLimit: 32 * 1024, sessionChunkSize: 8 * 1024 });
    const data = randomBytes(50_000);
    server.failNext(
      { fault: 'drop-response', endpoint: '/2/files/upload_session/append_v2' },
      { fault: 'drop-response', endpoint: '/2/files/upload_session/finish' },
    );
    await r.put('objects/ff/s', data);
    assert.ok(Buffer.from(await r.read('objects/ff/s', ANY_SIZE)).equals(data));

    await r.put('objects/ff/t', Buffer.from('old'));
    server.failNext({ fault: 'drop-response', endpoint: '/2/files/move_v2' });
    await r.move('objects/ff/s', 'objects/ff/t');
    assert.ok(Buffer.from(await r.read('objects/ff/t', ANY_SIZE)).equals(data));
    assert.equal(await r.stat('objects/ff/s'), undefined);

    server.failNext({ fault: 'drop-response', endpoint: '/2/files/delete_v2' }, { fault: 'drop-upload', endpoint: '/2/files/upload' });
    await r.delete('objects/ff/t');
    assert.equal(await r.stat('objects/ff/t'), undefined);
    await r.put('objects/ff/u', randomBytes(10));
    assert.equal((await r.stat('objects/ff/u'))?.size, 10);
    await assert.rejects(r.move('objects/ff/none', 'objects/ff/u'), RemoteNotFound);
    assert.equal((await r.stat('objects/ff/u'))?.size, 10);
  });

  it('converges to exactly the right objects with faults on ~30% of requests', async () => {
    const root = `vault-faults-${++folders}`;
    const r = new DropboxRemote({
      appKey: server.appKey,
      refreshToken: server.refreshToken,
      apiBaseUrl: server.url,
      rootFolder: root,
      singleUploadLimit: 128 * 1024,
      sessionChunkSize: 48 * 1024,
      maxAttempts: 15,
      baseDelayMs: 1,
      maxDelayMs: 10,
      requestTimeoutMs: 10_000,
    });
    server.resetStats();
    server.setFaults({
      seed: 20260101,
      rate429: 0.08,
      rate500: 0.06,
      rate503: 0.04,
      dropUpload: 0.05,
      dropResponse: 0.05,
      expireToken: 0.02,
      retryAfterSeconds: 0,
      delayRate: 0.05,
      delayMs: 15,
    });
    const expected = new Map<string, Buffer>();
    const pool = async <T>(items: T[], n: number, fn: (t: T) => Promise<void>) => {
      let i = 0;
      await Promise.all(
        Array.from({ length: n }, async () => {
          while (i < items.length) await fn(items[i++]!);
        }),
      );
    };
    try {
      // Upload 40 objects (a quarter of them through upload sessions).
      const initial = Array.from({ length: 40 }, (_, i) => {
        const hex = createHash('sha256').update(`obj${i}`).digest('hex');
        const size = i % 4 === 0 ? 150_000 + i * 1000 : i % 7 === 0 ? 0 : 1000 + i * 997;
        return [`objects/${hex.slice(0, 2)}/${hex}`, randomBytes(size)] as const;
      });
      await pool(initial, 4, async ([n, d]) => {
        await r.put(n, i2chunks(d));
        expected.set(n, d);
      });
      // Overwrite ten, move five over others and five to the trash, delete five (and some absent ones).
      const names = initial.map(([n]) => n);
      await pool(names.slice(0, 10), 4, async (n) => {
        const d = randomBytes(5000 + n.charCodeAt(9) * 100);
        await r.put(n, d);
        expected.set(n, d);
      });
      for (let k = 0; k < 5; k++) {
        const from = names[10 + k];
        const to = names[15 + k];
        await r.move(from!, to!);
        expected.set(to!, expected.get(from!)!);
        expected.delete(from!);
      }
      await pool(names.slice(20, 25), 3, async (n) => {
        const t = `trash/20260101T000000Z-${n.slice(11)}`;
        await r.move(n, t);
        expected.set(t, expected.get(n)!);
        expected.delete(n);
      });
      await pool([...names.slice(25, 30), 'objects/00/absent1', 'objects/00/absent2'], 3, async (n) => {
        await r.delete(n);
        expected.delete(n);
      });
      // Listing and reading under faults.
      const listed = new Map<string, number>();
      for await (const e of r.list('')) listed.set(e.name, e.size);
      assert.deepEqual([...listed].sort(), [...expected].map(([n, d]) => [n, d.length] as [string, number]).sort());
      for (const [n, d] of [...expected].slice(0, 12)) assert.ok(Buffer.from(await r.read(n, ANY_SIZE)).equals(d), 'exact bytes');
    } finally {
      server.setFaults({});
    }
    const injected = Object.values(server.stats.faults).reduce((a, b) => a + b, 0);
    const rate = injected / server.stats.requests;
    assert.ok(server.stats.requests > 200, `${server.stats.requests} requests`);
    assert.ok(rate > 0.2 && rate < 0.45, `fault rate ${rate.toFixed(2)} (${JSON.stringify(server.stats.faults)})`);
    // The server's own view: exactly the expected names, exactly the bytes.
    const onServer = server.files(`/${root}`);
    assert.deepEqual(onServer.map((f) => f.path.slice(root.length + 2)).sort(), [...expected.keys()].sort());
    for (const f of onServer) {
      const want = expected.get(f.path.slice(root.length + 2))!;
      assert.ok((await server.readFile(f.path))!.equals(want), 'exact bytes on the server');
    }
  });
});

/** Feeds an object as several pieces, like the encryptor does. */
async function* i2chunks(d: Buffer): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < d.length; o += 40_000) yield d.subarray(o, o + 40_000);
}

describe('Dropbox sign-in (PKCE, loopback redirect)', () => {
  it('gets a refresh token end to end, refusing a forged redirect on the way', async () => {
    let seenUrl = '';
    const result = await signInToDropbox({
      appKey: server.appKey,
      apiBaseUrl: server.url,
      timeoutMs: 10_000,
      openUrl: async (url) => {
        seenUrl = url;
        const u = new URL(url);
        assert.equal(u.origin, server.url);
        assert.equal(u.pathname, '/oauth2/authorize');
        assert.equal(u.searchParams.get('response_type'), 'code');
        assert.equal(u.searchParams.get('token_access_type'), 'offline');
        assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
        assert.match(u.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
        const redirect = u.searchParams.get('redirect_uri')!;
        assert.match(redirect, /^http:\/\/127\.0\.0\.1:\d+\/dropbox-auth$/);
        // A forged redirect (wrong state) is refused and does not end the wait.
        const forged = await fetch(`${redirect}?code=evil&state=wrong`);
        assert.equal(forged.status, 400);
        await forged.text();
        // The "browser": Dropbox's page approves and redirects back to the loopback listener.
        const approve = await fetch(url, { redirect: 'manual' });
        assert.equal(approve.status, 302);
        const back = await fetch(approve.headers.get('location')!);
        assert.equal(back.status, 200);
        assert.match(await back.text(), /Dropbox is connected/);
      },
    });
    assert.ok(seenUrl);
    assert.match(result.refreshToken, /^rt-/);
    // The new refresh token works for the remote.
    const r = new DropboxRemote({ appKey: server.appKey, refreshToken: result.refreshToken, apiBaseUrl: server.url, rootFolder: 'signed-in' });
    await r.put('casevault.key', Buffer.from('key'));
    assert.equal(Buffer.from(await r.read('casevault.key', ANY_SIZE)).toString(), 'key');
    assert.equal(typeof (await r.verifyAccess()), 'string');
  });

  it('reports a declined sign-in, and the server checks the PKCE verifier', async () => {
    await assert.rejects(
      signInToDropbox({
        appKey: server.appKey,
        apiBaseUrl: server.url,
        timeoutMs: 10_000,
        openUrl: async (url) => {
          const u = new URL(url);
          const back = await fetch(`${u.searchParams.get('redirect_uri')}?error=access_denied&state=${u.searchParams.get('state')}`);
          await back.text();
        },
      }),
      (e: unknown) => e instanceof DropboxSignInError && /not allowed/.test(e.message),
    );
    await assert.rejects(
      signInToDropbox({ appKey: server.appKey, apiBaseUrl: server.url, timeoutMs: 200, openUrl: () => {} }),
      (e: unknown) => e instanceof DropboxSignInError && /too long/.test(e.message),
    );

    // A code redeemed with the wrong verifier is refused.
    const challenge = createHash('sha256').update('the-right-verifier-the-right-verifier-0123456').digest('base64url');
    const auth = await fetch(
      `${server.url}/oauth2/authorize?client_id=${server.appKey}&response_type=code&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&code_challenge=${challenge}&code_challenge_method=S256&token_access_type=offline`,
      { redirect: 'manual' },
    );
    const code = new URL(auth.headers.get('location')!).searchParams.get('code')!;
    const tok = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: server.appKey,
        code_verifier: 'wrong-verifier',
        redirect_uri: 'http://127.0.0.1:9/cb',
      }),
    });
    assert.equal(tok.status, 400);
    assert.equal(((await tok.json()) as { error: string }).error, 'invalid_grant');
  });
});
