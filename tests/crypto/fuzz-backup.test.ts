// The backup formats' and the audit log's decoders fed random and mutated
// input (starting from the committed vectors): only typed errors, never a
// crash, a hang or an allocation sized by a length field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { mutated, onlyTyped, RUNS } from '../helpers/fuzz.js';
import { fromHex, utf8 } from '../../crypto/bytes.js';
import { parseAuditLine, verifyAuditChain } from '../../crypto/index.js';
import { VECTOR_FILE } from '../vectors/make-backup-vectors.js';
import { decodeHeader, encodeHeader } from '../../crypto/backup/pack.js';
import { decodeSecrets, encodeSecrets } from '../../crypto/backup/config.js';
import {
  deriveRepoKeys,
  openBlob,
  openIndex,
  openManifest,
  openManifestSummary,
  openPackHeader,
  openRepoConfig,
  parsePackPrefix,
  ready,
  repoWrapKey,
  slotKey,
} from '../vectors/backup-vector-imports.js';

const v = JSON.parse(readFileSync(VECTOR_FILE, 'utf8'));

async function vectorKeys() {
  const sodium = await ready();
  const wrapKey = await repoWrapKey({ authKey: fromHex(v.inputs.authKey) });
  const { secret } = openRepoConfig(sodium, wrapKey, utf8(v.config));
  return { sodium, wrapKey, keys: await deriveRepoKeys(secret, fromHex(v.inputs.publicKey)), boxSecret: fromHex(v.inputs.boxSecret) };
}

test(`backup repository config, pack prefix and header, index, manifest, blob: ${RUNS} mutated inputs each only fail with typed errors`, async () => {
  const { sodium, wrapKey, keys, boxSecret } = await vectorKeys();
  const pack = fromHex(v.pack.bytes);
  const packId = fromHex(v.pack.id);
  const index = fromHex(v.index.bytes);
  const manifest = fromHex(v.manifest.bytes);
  const snapshotId = fromHex(v.manifest.id);
  const { header, blobStart } = openPackHeader(sodium, keys.indexKey, packId, pack, pack.length);
  const plainHeader = encodeHeader(header);
  const entry = header.entries[0]!;
  const blob = pack.subarray(entry.offset, entry.offset + entry.length);
  const slot = header.slots[0]!;
  const blobKey = slotKey(sodium, boxSecret, slot, slot, fromHex(v.inputs.publicKey));
  const cases: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
    ['config', utf8(v.config), (b) => openRepoConfig(sodium, wrapKey, b)],
    ['config after a key rotation', utf8(v.generations.config), (b) => openRepoConfig(sodium, wrapKey, b)],
    // Past authentication: the version 2 config's secrets, as if the wrap key had leaked.
    [
      'decrypted config secrets',
      encodeSecrets(new Uint8Array(32), [{ secret: new Uint8Array(32), accepted: [{ id: new Uint8Array(16), digest: new Uint8Array(32) }] }]),
      (b) => decodeSecrets(b, 1),
    ],
    ['pack prefix', pack.subarray(0, 64), (b) => parsePackPrefix(b)],
    ['pack header', pack.subarray(0, blobStart), (b) => openPackHeader(sodium, keys.indexKey, packId, b, b.length)],
    // Past authentication: the header's plaintext decoder, as if the index key had leaked to the attacker.
    ['decrypted pack header', plainHeader, (b) => decodeHeader(b, blobStart, pack.length)],
    ['index', index, (b) => openIndex(sodium, keys.indexKey, fromHex(v.index.id), b)],
    ['manifest summary', manifest, (b) => openManifestSummary(sodium, keys, snapshotId, b)],
    ['manifest', manifest, (b) => openManifest(sodium, keys, boxSecret, snapshotId, b)],
    ['blob', blob, (b) => openBlob(sodium, blobKey, keys.idKey, { ...entry, length: b.length }, b)],
  ];
  for (const [name, good, open] of cases) {
    await onlyTyped(() => open(good));
    await assert.doesNotReject(
      fc.assert(
        fc.asyncProperty(mutated(good), (b) => onlyTyped(() => open(b))),
        { numRuns: RUNS },
      ),
      name,
    );
  }
});

test('a pack header claiming 4 billion entries or a 4 GiB header is refused before anything is allocated', async () => {
  const big = new Uint8Array(2 + 32 + 4);
  big[0] = 1;
  new DataView(big.buffer).setUint32(34, 0xffffffff, true);
  assert.throws(() => decodeHeader(big, 0, undefined), /entry count/);
  const prefix = fromHex(v.pack.bytes).slice(0, 64);
  new DataView(prefix.buffer).setUint32(29, 0xffffffff, true);
  assert.throws(() => parsePackPrefix(prefix), /header length/);
});

test(`audit log lines: ${RUNS} random texts and mutated chains only fail with typed errors or a named bad line`, async () => {
  const authKey = new Uint8Array(32).fill(7);
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 300 }), (s) => onlyTyped(() => parseAuditLine(s))),
    { numRuns: RUNS },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.string({ maxLength: 120 }), fc.constant(`v1 1 ${'A'.repeat(40)} ${'0'.repeat(64)}`)), { maxLength: 8 }),
      async (lines) => {
        const r = await verifyAuditChain(authKey, lines);
        if (lines.length === 0) assert.ok(r.ok);
        else assert.ok(!r.ok && r.line >= 1 && r.line <= lines.length, JSON.stringify(r));
      },
    ),
    { numRuns: Math.min(RUNS, 500) },
  );
});
