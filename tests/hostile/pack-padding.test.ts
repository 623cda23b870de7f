// Issue 15, item 4: packs of version 1 were padded with the XChaCha20
// keystream of the index key, which also authenticates pack headers. At the
// padding's nonce (public: a hash of the pack ID, which is the file's name)
// that keystream is exactly what the header's XChaCha20-Poly1305 uses: its
// first 32 bytes are the Poly1305 key, bytes 64 on encrypt. Where the
// padding can be located (a pack of one raw chunk of known size), a header
// can be forged with no key at all; "this pack holds nothing" then lets the
// owner's own prune delete it. Built here from docs/backup-format.md with
// libsodium alone: it works on a version 1 pack and fails on the packs this
// build writes (version 2, padded under a key of its own). Prune, besides,
// refuses when a kept snapshot's data is missing.
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import sodiumModule from 'libsodium-wrappers-sumo';
import { BLOB_DATA, blobId, deriveRepoKeys, openPackHeader, PackBuilder, ready } from '../vectors/backup-vector-imports.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault, SMALL_BACKUPS } from '../helpers/vault.js';

const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const u64 = (n: number) => Buffer.concat([u32(n), u32(0)]);
const pad16 = (n: number) => Buffer.alloc((16 - (n % 16)) % 16);

/** An empty header (one slot, no entries) for `packId`, made from the pack's padding alone; undefined if the padding is too short. */
async function forgeEmptyHeader(pack: Uint8Array, packId: Uint8Array, padStart: number): Promise<Uint8Array | undefined> {
  await sodiumModule.ready;
  const s = sodiumModule;
  const keystream = pack.subarray(padStart);
  const plain = Buffer.concat([Buffer.from([1, 0]), Buffer.alloc(32, 9), u32(0)]); // u16 slots = 1, an epk, u32 entries = 0
  if (keystream.length < 64 + plain.length) return undefined;
  const ct = Buffer.from(plain.map((b, i) => b ^ keystream[64 + i]!));
  const nonce = s.crypto_generichash(24, Buffer.concat([Buffer.from('casevault backup pack padding v1'), packId]), null);
  const prefix = Buffer.concat([Buffer.from('CVBP'), Buffer.from([pack[4]!]), nonce, u32(ct.length + 16)]);
  const ad = Buffer.concat([prefix, packId]);
  const macData = Buffer.concat([ad, pad16(ad.length), ct, pad16(ct.length), u64(ad.length), u64(ct.length)]);
  const tag = s.crypto_onetimeauth(macData, keystream.subarray(0, 32));
  return Buffer.concat([prefix, ct, tag]);
}

test('a pack header forged from the padding alone opens on a version 1 pack and not on the packs this build writes', async () => {
  const sodium = await ready();
  const keys = await deriveRepoKeys(new Uint8Array(32).fill(3), sodium.crypto_box_seed_keypair(new Uint8Array(randomBytes(32))).publicKey);
  const packId = new Uint8Array(16).fill(5);
  const outcomes: Record<string, boolean> = {};
  for (const version of [1, undefined] as const) {
    // One incompressible chunk whose size leaves a long padding (the attacker knows the chunk's size from the pack's).
    for (let size = 3000; size < 20000; size += 97) {
      const raw = new Uint8Array(randomBytes(size));
      const b = version ? new PackBuilder(sodium, keys, version) : new PackBuilder(sodium, keys);
      b.add(BLOB_DATA, blobId(sodium, keys.idKey, [raw]), raw);
      const { bytes, header } = b.finish(packId);
      const e = header.entries[0]!;
      const forged = await forgeEmptyHeader(bytes, packId, e.offset + e.length);
      if (!forged) continue;
      try {
        outcomes[version ?? 'current'] = openPackHeader(sodium, keys.indexKey, packId, forged).header.entries.length === 0;
      } catch {
        outcomes[version ?? 'current'] = false;
      }
      break;
    }
  }
  assert.deepEqual(outcomes, { 1: true, current: false }, 'the forgery works on version 1 only');
});

test('prune refuses, deleting nothing, when data a kept snapshot needs is missing (the index files removed to hide it)', async () => {
  const v = await makeVault({ files: { 'a.txt': 'member A', 'b.bin': Buffer.alloc(200_000, 7) }, backedUp: true, backupParams: SMALL_BACKUPS });
  const packs = async () => (await readdir(join(v.backup, 'packs'), { recursive: true })).filter((n) => /[0-9a-f]{32}$/.test(n)).sort();
  const before = await packs();
  assert.ok(before.length >= 1);
  await rm(join(v.backup, 'packs', before[0]!));
  for (const f of await readdir(join(v.backup, 'index'))) await rm(join(v.backup, 'index', f), { recursive: true });
  const r = await v.cli(['forget', '--keep-last', '5', '--prune'], { CASEVAULT_PASSPHRASE: PASSPHRASE });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /missing from the backup folder.*prune deleted nothing/);
  assert.deepEqual(await packs(), before.slice(1), 'no other pack was deleted');
});
