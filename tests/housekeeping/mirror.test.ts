// The marks' decoders: the home file's schema and the cloud copy. Random
// input never throws; a copy sealed with only the public key (what the cloud
// could make) is ignored.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { openKeyFile, parseKeyFile, ready, utf8 } from '../../crypto/index.js';
import { defaultMarks, parseMarks } from '../../engine/housekeeping/marks.js';
import { fetchMirror, putMirror } from '../../engine/housekeeping/mirror.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

test('parseMarks never throws, and accepts only the schema', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.jsonValue().map((v) => JSON.stringify({ ...defaultMarks(), closed: v })),
      ),
      (text) => {
        const m = parseMarks(text);
        if (m) assert.ok(Array.isArray(m.closed) && Number.isInteger(m.years));
      },
    ),
    { numRuns: 500 },
  );
});

test('the cloud copy: authentic copies read back; random or forged objects are ignored', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' } });
  const keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(v.home, 'casevault.key')))), { passphrase: PASSPHRASE });
  const remote = new FolderRemote(v.cloud);
  const sodium = await ready();
  const forged = { ...defaultMarks(), years: 1 };
  await remote.put('housekeeping/forged', sodium.crypto_box_seal(utf8(JSON.stringify({ at: '2999-01-01T00:00:00Z', marks: forged })), keys.publicKey));
  assert.equal(await fetchMirror(remote, keys), undefined, 'sealed to the public key is not enough');
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      await remote.put('housekeeping/random', bytes);
      assert.equal(await fetchMirror(remote, keys), undefined);
    }),
    { numRuns: 40 },
  );

  const marks = { ...defaultMarks(), years: 9, closed: [{ case: 'Smith', date: '2020-02-29' }] };
  await putMirror(remote, keys, 'a'.repeat(32), marks);
  assert.deepEqual(await fetchMirror(remote, keys), marks);
  // A copy moved to another computer's name fails its tag (the name is bound).
  await remote.move(`housekeeping/${'a'.repeat(32)}`, `housekeeping/${'b'.repeat(32)}`);
  assert.equal(await fetchMirror(remote, keys), undefined);
});

test('the copy with the highest counter wins, whatever the clocks say: an older copy never outranks a later change still in the cloud', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' } });
  const keys = await openKeyFile(parseKeyFile(new Uint8Array(await readFile(join(v.home, 'casevault.key')))), { passphrase: PASSPHRASE });
  const remote = new FolderRemote(v.cloud);
  const closed = { ...defaultMarks(), counter: 1, closed: [{ case: 'Smith', date: '2020-02-29' }] };
  const reopened = { ...defaultMarks(), counter: 2, closed: [] };
  const now = Date.now();
  await putMirror(remote, keys, 'b'.repeat(32), reopened, new Date(now - 3_600_000)); // reopened later, on a computer whose clock is an hour slow
  await putMirror(remote, keys, 'a'.repeat(32), closed, new Date(now)); // the earlier close, as the cloud put it back
  assert.deepEqual(await fetchMirror(remote, keys), reopened);
});
