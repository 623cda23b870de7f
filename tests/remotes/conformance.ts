// The contract every Remote (engine/remotes/remote.ts) must keep. A backend's
// test file calls remoteConformance() once with a factory that returns a
// fresh, empty remote per test, and the ways to make that remote fail, so
// the suite can check that every method fails with exactly the right class.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import {
  RemoteError,
  RemoteNotFound,
  RemotePermanent,
  RemoteTooLarge,
  type PermanentReason,
  type Remote,
  type RemoteEntry,
  type RemoteFailure,
} from '../../engine/remotes/remote.js';

/** The bound for reads of objects a test wrote itself, whose size is not what it checks. */
export const ANY_SIZE = 64 * 1024 * 1024;

export interface RemoteUnderTest {
  remote: Remote;
  cleanup(): Promise<void>;
  faults: RemoteFaults;
}

/**
 * A way to make the remote under test fail, lasting until restore(); or, for
 * a backend that cannot be made to fail so, a sentence saying why (the case
 * is then skipped with that reason, in plain view).
 */
export type Fault = (() => Promise<void>) | string;

export interface RemoteFaults {
  /** Unreachable: a folder's root folder gone, a server failing every request. */
  unavailable: Fault;
  /** The credentials refused for good (a revoked sign-in); restore() need not cure it. */
  auth: Fault;
  /** Writes refused for lack of permission (read-only); reading what is there may go on working. */
  permission: Fault;
  /** No space left: a 1 MiB put fails. */
  full: Fault;
  /** Undo whichever fault was made; callable whether or not one was (the suite calls it again after each case). */
  restore(): Promise<void>;
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

async function listAll(remote: Remote, prefix: string): Promise<RemoteEntry[]> {
  const out: RemoteEntry[] = [];
  for await (const e of remote.list(prefix)) out.push(e);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Yields `data` in uneven pieces (1 byte, odd sizes, a large run), from a fresh buffer each time. */
async function* unevenChunks(data: Buffer): AsyncGenerator<Uint8Array> {
  const sizes = [1, 7, 4096, 65_537, 1_000_003, 333];
  let o = 0;
  for (let i = 0; o < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, data.length - o);
    yield new Uint8Array(data.subarray(o, o + n)); // a copy, as a producer reusing buffers would hand out
    o += n;
    if (i % 5 === 0) await new Promise((r) => setImmediate(r));
  }
}

function hexName(seed: number): string {
  const h = Buffer.alloc(32);
  h.writeUInt32BE(seed, 0);
  const hex = Buffer.concat([h.subarray(0, 4), randomBytes(28)]).toString('hex');
  return `objects/${hex.slice(0, 2)}/${hex}`;
}

const UNSAFE = ['', '/abs', '../x', 'a/../../x', 'a//b', 'a/./b', './a', 'a/', 'a b', 'a\\b', 'é', 'a\0b', '..'];

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) {
    // nothing
  }
}

/** Checks that `p` fails with exactly this class (and reason), in a message that names neither object. */
async function rejectsAs(p: Promise<unknown>, what: string, failure: RemoteFailure, reason?: PermanentReason): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RemoteError, `${what}: a RemoteError, got ${String(e)}`);
    assert.equal(e.failure, failure, `${what}: '${failure}', got '${e.failure}' (${e.message})`);
    if (reason) assert.ok(e instanceof RemotePermanent && e.reason === reason, `${what}: reason '${reason}' (${e.message})`);
    for (const n of [PRESENT, OTHER, ABSENT]) assert.ok(!e.message.includes(n.slice(n.lastIndexOf('/') + 1)), `${what}: no object name in "${e.message}"`);
    return true;
  });
}

// Names in the fault cases, each with a segment no message may contain.
const PRESENT = 'objects/5e/5ec2e7a1b0c4present';
const OTHER = 'objects/5e/5ec2e7a1b0c4other';
const ABSENT = 'objects/ab/ab5e7c0ffee1absent';

export function remoteConformance(label: string, make: () => Promise<RemoteUnderTest>): void {
  const withRemote = (fn: (r: Remote) => Promise<void>) => async () => {
    const { remote, cleanup } = await make();
    try {
      await fn(remote);
    } finally {
      await cleanup();
    }
  };

  /** Runs `fn` with the remote and the fault of this kind, or skips with the backend's reason; always restores. */
  const withFault =
    (kind: Exclude<keyof RemoteFaults, 'restore'>, fn: (r: Remote, inject: () => Promise<void>, restore: () => Promise<void>) => Promise<void>) =>
    async (t: TestContext) => {
      const { remote, cleanup, faults } = await make();
      try {
        const fault = faults[kind];
        if (typeof fault === 'string') {
          t.skip(fault);
          return;
        }
        try {
          await fn(remote, fault, () => faults.restore());
        } finally {
          await faults.restore();
        }
      } finally {
        await cleanup();
      }
    };

  /** Runs `fn` with the optional method's remote, or skips: the backend has none. */
  const withOptional = (method: 'listNames' | 'flush', fn: (r: Remote) => Promise<void>) => async (t: TestContext) => {
    const { remote, cleanup } = await make();
    try {
      if (remote[method] === undefined) {
        t.skip(`this remote has no ${method}()`);
        return;
      }
      await fn(remote);
    } finally {
      await cleanup();
    }
  };

  describe(`Remote conformance: ${label}`, () => {
    it(
      'has a description',
      withRemote(async (r) => {
        assert.equal(typeof r.description, 'string');
        assert.ok(r.description.length > 0);
      }),
    );

    it(
      'put/read/get round trip of a Uint8Array',
      withRemote(async (r) => {
        const data = randomBytes(10_000);
        await r.put('casevault.key', new Uint8Array(data));
        assert.deepEqual(Buffer.from(await r.read('casevault.key', ANY_SIZE)), data);
        assert.deepEqual(await collect(r.get('casevault.key')), data);
        await r.flush?.();
      }),
    );

    it(
      'read refuses an object larger than its bound, and reads one exactly at it',
      withRemote(async (r) => {
        const data = randomBytes(100_000);
        await r.put('objects/ab/bound', new Uint8Array(data));
        await assert.rejects(r.read('objects/ab/bound', data.length - 1), RemoteTooLarge);
        assert.deepEqual(Buffer.from(await r.read('objects/ab/bound', data.length)), data);
      }),
    );

    it(
      'round trips a 0-byte object',
      withRemote(async (r) => {
        await r.put('objects/00/empty', new Uint8Array(0));
        assert.equal((await r.read('objects/00/empty', ANY_SIZE)).length, 0);
        assert.equal((await collect(r.get('objects/00/empty'))).length, 0);
        assert.deepEqual(await r.stat('objects/00/empty'), { name: 'objects/00/empty', size: 0 });
        assert.deepEqual(await listAll(r, 'objects/00/'), [{ name: 'objects/00/empty', size: 0 }]);
        // And an empty async iterable.
        await r.put('objects/00/empty2', (async function* () {})());
        assert.deepEqual(await r.stat('objects/00/empty2'), { name: 'objects/00/empty2', size: 0 });
      }),
    );

    it(
      'round trips a multi-megabyte object given as an async iterable of uneven chunks',
      withRemote(async (r) => {
        const data = randomBytes(5 * 1024 * 1024 + 12_345);
        const name = hexName(1);
        await r.put(name, unevenChunks(data));
        const back = Buffer.from(await r.read(name, ANY_SIZE));
        assert.equal(back.length, data.length);
        assert.ok(back.equals(data), 'read() returns the exact bytes');
        assert.ok((await collect(r.get(name))).equals(data), 'get() streams the exact bytes');
        assert.deepEqual(await r.stat(name), { name, size: data.length });
      }),
    );

    it(
      'overwrites an existing object (longer, then shorter)',
      withRemote(async (r) => {
        const name = 'objects/ab/abcdef';
        await r.put(name, Buffer.from('first version'));
        await r.put(name, Buffer.from('second, longer version of the object'));
        assert.equal(Buffer.from(await r.read(name, ANY_SIZE)).toString(), 'second, longer version of the object');
        await r.put(name, unevenChunks(Buffer.from('3rd')));
        assert.equal(Buffer.from(await r.read(name, ANY_SIZE)).toString(), '3rd');
        assert.deepEqual(await r.stat(name), { name, size: 3 });
        assert.deepEqual(
          (await listAll(r, '')).map((e) => e.name),
          [name],
        );
      }),
    );

    it(
      'stat: size of a present object, undefined for an absent one or a "folder"',
      withRemote(async (r) => {
        await r.put('objects/cd/cdef01', Buffer.alloc(1234, 7));
        assert.deepEqual(await r.stat('objects/cd/cdef01'), { name: 'objects/cd/cdef01', size: 1234 });
        assert.equal(await r.stat('objects/cd/nothing'), undefined);
        assert.equal(await r.stat('nowhere/at/all'), undefined);
        assert.equal(await r.stat('objects/cd'), undefined, 'a folder is not an object');
      }),
    );

    it(
      'list: prefix filtering, recursion, many entries',
      withRemote(async (r) => {
        const names = new Map<string, number>();
        for (let i = 0; i < 40; i++) {
          const hex = (i * 7919).toString(16).padStart(4, '0') + 'f'.repeat(8);
          names.set(`objects/${hex.slice(0, 2)}/${hex}`, i);
        }
        names.set('objects/aa/aa00', 3);
        names.set('objects/aab/aab0', 2); // shares the text prefix "objects/aa" without being under objects/aa/
        names.set('trash/20260101T000000Z-ab12', 5);
        names.set('casevault.key', 9);
        const pending = [...names].map(([n, size]) => r.put(n, Buffer.alloc(size, 1)));
        await Promise.all(pending);

        const all = await listAll(r, '');
        assert.deepEqual(
          all,
          [...names].map(([name, size]) => ({ name, size })).sort((a, b) => (a.name < b.name ? -1 : 1)),
        );

        const objects = await listAll(r, 'objects/');
        assert.equal(objects.length, names.size - 2);
        assert.ok(objects.every((e) => e.name.startsWith('objects/')));

        const aa = (await listAll(r, 'objects/aa')).map((e) => e.name);
        const expectAa = [...names.keys()].filter((n) => n.startsWith('objects/aa')).sort();
        assert.deepEqual(aa, expectAa);
        assert.ok(aa.includes('objects/aab/aab0'), 'a text prefix, not just a folder');

        assert.deepEqual(
          (await listAll(r, 'objects/aa/')).map((e) => e.name),
          expectAa.filter((n) => n.startsWith('objects/aa/')),
        );
        assert.deepEqual(
          (await listAll(r, 'trash/')).map((e) => e.name),
          ['trash/20260101T000000Z-ab12'],
        );
        assert.deepEqual(
          (await listAll(r, 'casevault')).map((e) => e.name),
          ['casevault.key'],
        );
        assert.deepEqual(await listAll(r, 'nothing/here/'), []);
        assert.deepEqual(await listAll(r, 'zzz'), []);
      }),
    );

    it(
      'move renames, replacing an existing target, and creates folders',
      withRemote(async (r) => {
        await r.put('tmp-upload/a', Buffer.from('AAAA'));
        await r.put('objects/ee/target', Buffer.from('old target, to be replaced'));
        await r.move('tmp-upload/a', 'objects/ee/target');
        assert.equal(Buffer.from(await r.read('objects/ee/target', ANY_SIZE)).toString(), 'AAAA');
        assert.equal(await r.stat('tmp-upload/a'), undefined);
        await assert.rejects(r.read('tmp-upload/a', ANY_SIZE), RemoteNotFound);

        await r.move('objects/ee/target', 'trash/20260101T000000Z-ee/deeper/x');
        assert.equal(Buffer.from(await r.read('trash/20260101T000000Z-ee/deeper/x', ANY_SIZE)).toString(), 'AAAA');
        assert.equal(await r.stat('objects/ee/target'), undefined);
        const all = (await listAll(r, '')).map((e) => e.name);
        assert.deepEqual(all, ['trash/20260101T000000Z-ee/deeper/x']);
      }),
    );

    it(
      'move of an absent object throws RemoteNotFound and leaves the target alone',
      withRemote(async (r) => {
        await r.put('objects/ff/keep', Buffer.from('keep me'));
        await assert.rejects(r.move('objects/ff/absent', 'objects/ff/keep'), (e: unknown) => {
          assert.ok(e instanceof RemoteNotFound, `RemoteNotFound, got ${String(e)}`);
          assert.ok(!e.message.includes('absent'), 'no object name in the message');
          return true;
        });
        assert.equal(Buffer.from(await r.read('objects/ff/keep', ANY_SIZE)).toString(), 'keep me');
      }),
    );

    it(
      'delete removes; deleting again or an absent name is not an error',
      withRemote(async (r) => {
        await r.put('objects/12/1234', Buffer.from('x'));
        await r.put('objects/12/5678', Buffer.from('y'));
        await r.delete('objects/12/1234');
        assert.equal(await r.stat('objects/12/1234'), undefined);
        await r.delete('objects/12/1234');
        await r.delete('never/existed');
        assert.deepEqual(
          (await listAll(r, '')).map((e) => e.name),
          ['objects/12/5678'],
        );
        await r.put('objects/12/1234', Buffer.from('again'));
        assert.equal(Buffer.from(await r.read('objects/12/1234', ANY_SIZE)).toString(), 'again');
      }),
    );

    it(
      'read/get of an absent object throw RemoteNotFound, without the name in the message',
      withRemote(async (r) => {
        const check = (e: unknown) => {
          assert.ok(e instanceof RemoteNotFound, `RemoteNotFound, got ${String(e)}`);
          assert.equal(e.remoteName, 'objects/99/secretname');
          assert.ok(!e.message.includes('secretname'));
          return true;
        };
        await assert.rejects(r.read('objects/99/secretname', ANY_SIZE), check);
        await assert.rejects(drain(r.get('objects/99/secretname')), check);
        await r.put('objects/99/other', Buffer.from('z'));
        await assert.rejects(r.read('objects/99/secretname', ANY_SIZE), check);
      }),
    );

    it(
      'concurrent puts of different objects all land',
      withRemote(async (r) => {
        const items = Array.from({ length: 12 }, (_, i) => [hexName(100 + i), randomBytes(100 + i * 1000)] as const);
        await Promise.all(items.map(([n, d]) => r.put(n, d)));
        for (const [n, d] of items) assert.ok(Buffer.from(await r.read(n, ANY_SIZE)).equals(d));
        assert.equal((await listAll(r, 'objects/')).length, items.length);
      }),
    );

    it(
      'refuses unsafe names in every method',
      withRemote(async (r) => {
        await r.put('objects/ok/ok', Buffer.from('ok'));
        for (const bad of UNSAFE) {
          const msg = `name ${JSON.stringify(bad)}`;
          await assert.rejects(r.put(bad, Buffer.from('x')), Error, msg);
          await assert.rejects(r.read(bad, ANY_SIZE), Error, msg);
          await assert.rejects(drain(r.get(bad)), Error, msg);
          await assert.rejects(r.stat(bad), Error, msg);
          await assert.rejects(r.delete(bad), Error, msg);
          await assert.rejects(r.move('objects/ok/ok', bad), Error, msg);
          await assert.rejects(r.move(bad, 'objects/ok/other'), Error, msg);
        }
        // Nothing was written or moved by any of these.
        assert.deepEqual(
          (await listAll(r, '')).map((e) => e.name),
          ['objects/ok/ok'],
        );
        assert.equal(Buffer.from(await r.read('objects/ok/ok', ANY_SIZE)).toString(), 'ok');
      }),
    );

    it(
      'an absent object: read, get and move throw RemoteNotFound (a RemoteError); stat is undefined; delete is fine',
      withRemote(async (r) => {
        await r.put(PRESENT, Buffer.from('here'));
        for (const name of [ABSENT, 'nowhere/at/all']) {
          await rejectsAs(r.read(name, ANY_SIZE), `read ${name}`, 'not-found');
          await rejectsAs(drain(r.get(name)), `get ${name}`, 'not-found');
          await rejectsAs(r.move(name, OTHER), `move ${name}`, 'not-found');
          assert.equal(await r.stat(name), undefined);
          await r.delete(name);
        }
        assert.deepEqual(
          (await listAll(r, '')).map((e) => e.name),
          [PRESENT],
        );
      }),
    );

    it(
      "a failure of put()'s own data passes through as it is (it is the caller's, not the remote's) and leaves no object",
      withRemote(async (r) => {
        const own = Object.assign(new Error('the vault file vanished while it was read'), { code: 'ENOENT' });
        async function* source() {
          yield randomBytes(2 * 1024 * 1024);
          throw own;
        }
        await assert.rejects(r.put(PRESENT, source()), (e: unknown) => e === own);
        assert.equal(await r.stat(PRESENT), undefined);
        assert.deepEqual(await listAll(r, ''), []);
      }),
    );

    it(
      'unreachable: every method throws RemoteUnavailable, a put meanwhile creates nothing (a folder remote never makes its root), and all works again once it is back',
      withFault('unavailable', async (r, inject, restore) => {
        await r.put(PRESENT, Buffer.from('kept'));
        await r.flush?.();
        const before = await listAll(r, '');
        await inject();
        await rejectsAs(r.put(OTHER, Buffer.from('new')), 'put', 'unavailable');
        await rejectsAs(r.put(ABSENT, unevenChunks(randomBytes(20_000))), 'put (stream)', 'unavailable');
        await rejectsAs(r.read(PRESENT, ANY_SIZE), 'read', 'unavailable');
        await rejectsAs(drain(r.get(PRESENT)), 'get', 'unavailable');
        await rejectsAs(r.stat(PRESENT), 'stat', 'unavailable');
        await rejectsAs(r.stat(ABSENT), 'stat of an absent object', 'unavailable');
        await rejectsAs(listAll(r, ''), 'list', 'unavailable');
        await rejectsAs(listAll(r, 'objects/'), 'list of a prefix', 'unavailable');
        await rejectsAs(r.move(PRESENT, OTHER), 'move', 'unavailable');
        await rejectsAs(r.delete(PRESENT), 'delete', 'unavailable');
        await rejectsAs(r.delete(ABSENT), 'delete of an absent object', 'unavailable');
        if (r.listNames) await rejectsAs(r.listNames('objects/'), 'listNames', 'unavailable');
        await restore();
        assert.deepEqual(await listAll(r, ''), before, 'nothing written, moved or deleted while it was unreachable');
        assert.equal(Buffer.from(await r.read(PRESENT, ANY_SIZE)).toString(), 'kept');
        await r.put(OTHER, Buffer.from('new'));
        await r.flush?.();
        assert.equal(Buffer.from(await r.read(OTHER, ANY_SIZE)).toString(), 'new');
      }),
    );

    it(
      'credentials refused: every method throws RemoteAuthFailed',
      withFault('auth', async (r, inject) => {
        await r.put(PRESENT, Buffer.from('kept'));
        await inject();
        await rejectsAs(r.put(OTHER, Buffer.from('new')), 'put', 'auth');
        await rejectsAs(r.read(PRESENT, ANY_SIZE), 'read', 'auth');
        await rejectsAs(drain(r.get(PRESENT)), 'get', 'auth');
        await rejectsAs(r.stat(PRESENT), 'stat', 'auth');
        await rejectsAs(listAll(r, ''), 'list', 'auth');
        await rejectsAs(r.move(PRESENT, OTHER), 'move', 'auth');
        await rejectsAs(r.delete(PRESENT), 'delete', 'auth');
        if (r.listNames) await rejectsAs(r.listNames('objects/'), 'listNames', 'auth');
      }),
    );

    it(
      "no permission to write: put, move and delete throw RemotePermanent ('permission') and change nothing",
      withFault('permission', async (r, inject, restore) => {
        await r.put(PRESENT, Buffer.from('kept'));
        await r.flush?.();
        await inject();
        await rejectsAs(r.put(OTHER, Buffer.from('new')), 'put', 'permanent', 'permission');
        await rejectsAs(r.put(PRESENT, unevenChunks(randomBytes(20_000))), 'put over an object (stream)', 'permanent', 'permission');
        await rejectsAs(r.move(PRESENT, OTHER), 'move', 'permanent', 'permission');
        await rejectsAs(r.delete(PRESENT), 'delete', 'permanent', 'permission');
        await restore();
        assert.deepEqual(
          (await listAll(r, '')).map((e) => e.name),
          [PRESENT],
        );
        assert.equal(Buffer.from(await r.read(PRESENT, ANY_SIZE)).toString(), 'kept');
      }),
    );

    it(
      "no space left: a put throws RemotePermanent ('full') and leaves no object",
      withFault('full', async (r, inject, restore) => {
        await inject();
        await rejectsAs(r.put(OTHER, randomBytes(1024 * 1024)), 'put', 'permanent', 'full');
        await rejectsAs(r.put(ABSENT, unevenChunks(randomBytes(1024 * 1024))), 'put (stream)', 'permanent', 'full');
        await restore();
        assert.equal(await r.stat(OTHER), undefined);
        assert.equal(await r.stat(ABSENT), undefined);
      }),
    );

    it(
      'listNames (where there is one) gives exactly the names list gives, for folder prefixes',
      withOptional('listNames', async (r) => {
        for (const n of [
          'objects/aa/aa00',
          'objects/aa/aa01',
          'objects/aab/aab0',
          'objects/b7/b7ff',
          'trash/20260101T000000Z-ab12',
          'trash/20260101T000000Z-ee/deeper/x',
          'casevault.key',
        ]) {
          await r.put(n, Buffer.from(n));
        }
        for (const prefix of ['objects/', 'objects/aa/', 'trash/', 'nothing/here/']) {
          const names = (await r.listNames!(prefix)).sort();
          assert.deepEqual(
            names,
            (await listAll(r, prefix)).map((e) => e.name),
            prefix,
          );
        }
      }),
    );

    it(
      'flush (where there is one) can be called at any time, as often as wanted',
      withOptional('flush', async (r) => {
        await r.flush!();
        await r.flush!();
        await r.put(PRESENT, Buffer.from('one'));
        await r.put(OTHER, unevenChunks(Buffer.from('two')));
        await r.flush!();
        await r.flush!();
        await r.move(PRESENT, ABSENT);
        await r.delete(OTHER);
        await r.flush!();
        await r.flush!();
        assert.deepEqual(
          (await listAll(r, '')).map((e) => e.name),
          [ABSENT],
        );
        assert.equal(Buffer.from(await r.read(ABSENT, ANY_SIZE)).toString(), 'one');
      }),
    );
  });
}
