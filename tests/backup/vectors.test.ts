// The backup formats against their committed vectors (exact bytes), and the
// bad cases: every byte of a pack header, index or manifest matters, and
// a flipped bit anywhere fails with DamagedData.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fromHex } from '../../crypto/bytes.js';
import { DamagedData } from '../../crypto/errors.js';
import { buildBackupVectors, VECTOR_FILE, VECTOR_FILE_V2 } from '../vectors/make-backup-vectors.js';
import {
  deriveRepoKeys,
  manifestDigest,
  openBlob,
  openIndex,
  openManifest,
  openManifestSummary,
  openPackHeader,
  openRepoConfig,
  packPadding,
  ready,
  repoWrapKey,
  slotKey,
} from '../vectors/backup-vector-imports.js';

const committed = JSON.parse(readFileSync(VECTOR_FILE, 'utf8'));
const committedV2 = JSON.parse(readFileSync(VECTOR_FILE_V2, 'utf8'));

test('this build writes exactly the committed bytes for every backup format, with packs of either version', async () => {
  for (const [version, set] of [
    [1, committed],
    [2, committedV2],
  ] as const) {
    const built = JSON.parse(JSON.stringify(await buildBackupVectors(version)));
    for (const k of Object.keys(set)) assert.deepEqual(built[k], set[k], `${k} (packs of version ${version})`);
  }
});

test('the two sets differ only in the pack: its version byte and its padding, which version 2 draws from a key of its own', async () => {
  const sodium = await ready();
  for (const k of Object.keys(committed)) if (!['note', 'pack'].includes(k)) assert.deepEqual(committedV2[k], committed[k], k);
  const [v1, v2] = [fromHex(committed.pack.bytes), fromHex(committedV2.pack.bytes)];
  assert.equal(v1.length, v2.length);
  assert.deepEqual([v1[4], v2[4]], [1, 2]);
  const indexKey = fromHex(committed.keys.indexKey);
  const packId = fromHex(committed.pack.id);
  const end = openPackHeader(sodium, indexKey, packId, v2, v2.length).header.entries.at(-1)!;
  const padStart = end.offset + end.length;
  const padLength = v2.length - padStart;
  assert.ok(padLength > 0, 'the vector pack has padding');
  assert.deepEqual(v1.subarray(padStart), packPadding(sodium, indexKey, packId, padLength, 1));
  assert.deepEqual(v2.subarray(padStart), packPadding(sodium, indexKey, packId, padLength, 2));
  const nonce = sodium.crypto_generichash(24, Buffer.concat([Buffer.from('casevault backup pack padding v1'), packId]), null);
  const indexKeystream = sodium.crypto_stream_xchacha20_xor(new Uint8Array(padLength), nonce, indexKey);
  assert.notDeepEqual(v2.subarray(padStart), indexKeystream, "version 2's padding is not the index key's keystream");
});

function flips(len: number, every: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < len; i += every) out.push(i);
  out.push(len - 1);
  return out;
}

for (const [version, v] of [
  [1, committed],
  [2, committedV2],
] as const)
  test(`vectors (packs of version ${version}) open with the keys, and any flipped bit is refused`, async () => {
    const sodium = await ready();
    const authKey = fromHex(v.inputs.authKey);
    const boxSecret = fromHex(v.inputs.boxSecret);
    const publicKey = fromHex(v.inputs.publicKey);
    const wrapKey = await repoWrapKey({ authKey });
    const config = new TextEncoder().encode(v.config);
    const { secret } = openRepoConfig(sodium, wrapKey, config);
    const keys = await deriveRepoKeys(secret, publicKey);
    const otherVault = await repoWrapKey({ authKey: new Uint8Array(32) });
    assert.throws(() => openRepoConfig(sodium, otherVault, config), DamagedData);
    const edited = v.config.replace('"packSize": 262144', '"packSize": 131072');
    assert.throws(() => openRepoConfig(sodium, wrapKey, new TextEncoder().encode(edited)), DamagedData);

    const packId = fromHex(v.pack.id);
    const pack = fromHex(v.pack.bytes);
    const { header } = openPackHeader(sodium, keys.indexKey, packId, pack, pack.length);
    assert.equal(header.entries.length, 2);
    const key = slotKey(sodium, boxSecret, header.slots[0]!, header.slots[0]!, publicKey);
    for (const e of header.entries) {
      const stored = pack.subarray(e.offset, e.offset + e.length);
      openBlob(sodium, key, keys.idKey, e, stored);
      for (const i of flips(stored.length, 97)) {
        const bad = stored.slice();
        bad[i]! ^= 1;
        assert.throws(() => openBlob(sodium, key, keys.idKey, e, bad), DamagedData);
      }
    }
    // Blob 0 under blob 1's entry (a swap inside the pack): refused.
    const [e0, e1] = header.entries;
    assert.throws(
      () => openBlob(sodium, key, keys.idKey, { ...e1!, length: e0!.length, rawLength: e0!.rawLength }, pack.subarray(e0!.offset, e0!.offset + e0!.length)),
      DamagedData,
    );
    const headEnd = e0!.offset;
    for (const i of flips(headEnd, 7)) {
      const bad = pack.slice();
      bad[i]! ^= 1;
      assert.throws(
        () => openPackHeader(sodium, keys.indexKey, packId, bad, bad.length),
        (e: Error) => e.name === 'DamagedData' || e.name === 'UnsupportedFormat',
      );
    }
    assert.throws(() => openPackHeader(sodium, keys.indexKey, fromHex(v.index.id), pack, pack.length), DamagedData, 'bound to its pack ID');

    const index = fromHex(v.index.bytes);
    assert.equal(openIndex(sodium, keys.indexKey, fromHex(v.index.id), index).length, 1);
    for (const i of flips(index.length, 11)) {
      const bad = index.slice();
      bad[i]! ^= 1;
      assert.throws(
        () => openIndex(sodium, keys.indexKey, fromHex(v.index.id), bad),
        (e: Error) => e.name === 'DamagedData' || e.name === 'UnsupportedFormat',
      );
    }

    const manifest = fromHex(v.manifest.bytes);
    const id = fromHex(v.manifest.id);
    const m = openManifest(sodium, keys, boxSecret, id, manifest);
    assert.deepEqual(
      m.files.map((f) => f.path),
      v.manifest.files.map((f: { path: string }) => f.path),
    );
    for (const i of flips(manifest.length, 13)) {
      const bad = manifest.slice();
      bad[i]! ^= 1;
      assert.throws(
        () => openManifestSummary(sodium, keys, id, bad),
        (e: Error) => e.name === 'DamagedData' || e.name === 'UnsupportedFormat',
      );
    }
    // Type confusion: a pack, an index or a blob offered as a manifest.
    for (const other of [pack, index, pack.subarray(e0!.offset, e0!.offset + e0!.length)]) {
      assert.throws(() => openManifest(sodium, keys, boxSecret, id, other), DamagedData);
    }
    assert.throws(() => openIndex(sodium, keys.indexKey, id, manifest), DamagedData);
  });

test('the config after a key rotation (version 2): the new generation secret, the earlier one with its pinned manifest; any change or flipped bit refused', async () => {
  const sodium = await ready();
  const v = committedV2;
  const wrapKey = await repoWrapKey({ authKey: fromHex(v.inputs.authKey) });
  const bytes = new TextEncoder().encode(v.generations.config);
  assert.equal(JSON.parse(v.generations.config).version, 2);
  const o = openRepoConfig(sodium, wrapKey, bytes);
  assert.equal(o.generation, 1);
  assert.deepEqual(o.secret, fromHex(v.generations.secret));
  assert.equal(o.earlier.length, 1);
  assert.deepEqual(o.earlier[0]!.secret, fromHex(v.inputs.repoSecret));
  assert.deepEqual(o.earlier[0]!.accepted, [{ id: fromHex(v.manifest.id), digest: fromHex(v.generations.manifestDigest) }]);
  assert.deepEqual(manifestDigest(sodium, fromHex(v.manifest.bytes)), fromHex(v.generations.manifestDigest));
  // The version 1 config still opens, as generation 0.
  assert.equal(openRepoConfig(sodium, wrapKey, new TextEncoder().encode(v.config)).generation, 0);
  // The generation is bound: claiming another one, or version 1, fails.
  for (const edited of [v.generations.config.replace('"generation": 1', '"generation": 2'), v.generations.config.replace('"version": 2', '"version": 1')])
    assert.throws(() => openRepoConfig(sodium, wrapKey, new TextEncoder().encode(edited)), DamagedData);
  const sealed = JSON.parse(v.generations.config).secret as string;
  const raw = Buffer.from(sealed, 'base64');
  for (const i of flips(raw.length, 5)) {
    const bad = Buffer.from(raw);
    bad[i]! ^= 1;
    assert.throws(() => openRepoConfig(sodium, wrapKey, new TextEncoder().encode(v.generations.config.replace(sealed, bad.toString('base64')))), DamagedData);
  }
});
