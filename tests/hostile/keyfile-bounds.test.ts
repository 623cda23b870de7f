// Issue 15, item 9: the cloud's key file costs a bounded amount to read and
// to open. A 200 MiB file where casevault.key goes is refused after a stat
// and at most 64 KiB read; a key file of eight passphrase slots, each at the
// Argon2 ceiling, is refused before any derivation (one budget per file).
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { KDF_PROFILES, createKeyFile, parseKeyFile, utf8, type KeyFile } from '../../crypto/index.js';
import { KDF_CEILING } from '../../crypto/keyfile.js';
import { readCloudKeyFile } from '../../engine/keys/cloud-key-file.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import type { Remote } from '../../engine/remotes/remote.js';
import { tempDir } from '../helpers/fs.js';

/** A folder remote that counts the bytes it hands out (read or get). */
function counting(remote: FolderRemote): { remote: Remote; delivered: () => number } {
  let n = 0;
  const r = Object.create(remote) as Remote;
  r.read = async (name, max) => {
    const b = await remote.read(name, max);
    n += b.length;
    return b;
  };
  r.get = async function* (name) {
    for await (const piece of remote.get(name)) {
      n += piece.length;
      yield piece;
    }
  };
  return { remote: r, delivered: () => n };
}

test("a huge file in place of the cloud's key file is refused after reading at most 64 KiB", async () => {
  const dir = await tempDir('huge-keyfile');
  const fh = await open(join(dir, 'casevault.key'), 'w');
  await fh.truncate(200 * 1024 * 1024); // sparse: costs no disk, 200 MiB to whoever reads it whole
  await fh.close();
  const { remote, delivered } = counting(new FolderRemote(dir));
  const { keys } = await createKeyFile('a long enough test passphrase', KDF_PROFILES.interactive);
  const got = await readCloudKeyFile({
    home: join(dir, 'no-home'),
    cloud: { kind: 'folder', dir },
    remote,
    vaultId: keys.vaultId,
    publicKey: keys.publicKey,
    authKey: keys.authKey,
  });
  assert.equal(got.state, 'damaged', 'refused as a damaged key file');
  assert.equal(got.bytes, undefined, 'nothing of it kept');
  assert.ok(delivered() <= 2 * 64 * 1024, `read ${delivered()} bytes`);
});

test('eight passphrase slots at the Argon2 ceiling are refused before any derivation: one Argon2 budget per key file', async () => {
  const { keyFile } = await createKeyFile('a long enough test passphrase', KDF_PROFILES.interactive);
  const slot = { ...keyFile.slots[0]!, ...KDF_CEILING };
  const costly: KeyFile = { ...keyFile, slots: Array.from({ length: 8 }, () => slot) };
  assert.throws(() => parseKeyFile(utf8(JSON.stringify(costly))), { name: 'UnsupportedFormat' });
  // One slot at the ceiling is still a key file (the budget is one ceiling's worth), and so are two cheap ones.
  parseKeyFile(utf8(JSON.stringify({ ...keyFile, slots: [slot, keyFile.slots[1]] })));
  parseKeyFile(utf8(JSON.stringify({ ...keyFile, slots: [keyFile.slots[0], keyFile.slots[0], keyFile.slots[1]] })));
});
