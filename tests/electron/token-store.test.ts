// The desktop app's keychain copy of the Dropbox sign-in: kept only where the
// OS really encrypts it, read back by the engine so a Dropbox vault syncs
// after a restart while locked; a damaged or foreign copy is dropped.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { KEYCHAIN_FILE, keychainUsable, osTokenStore, type SafeStorage } from '../../electron/token-store.js';
import { startDropboxServer } from '../dropbox/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists, tempDir } from '../helpers/fs.js';

/** Stands in for the OS keychain, which needs the Electron binary: a keyed XOR is enough to see that the file is not the plain token. */
function keychain(backend = 'gnome_libsecret'): SafeStorage {
  const key = 0x5a;
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (p) => Buffer.from(Buffer.from(p, 'utf8').map((b) => b ^ key)),
    decryptString: (e) => Buffer.from(e.map((b) => b ^ key)).toString('utf8'),
  };
}

test("only a real keychain is used: not when encryption is unavailable, nor Linux's basic_text fallback", () => {
  assert.equal(keychainUsable(keychain(), 'linux'), true);
  assert.equal(keychainUsable(keychain('basic_text'), 'linux'), false);
  assert.equal(keychainUsable(keychain('basic_text'), 'darwin'), true);
  assert.equal(keychainUsable({ ...keychain(), isEncryptionAvailable: () => false }, 'win32'), false);
});

test('a Dropbox vault with the keychain copy syncs after a restart while locked; without it, it needs an unlock; a damaged copy is dropped', async () => {
  const root = await tempDir('keychain');
  const server = await startDropboxServer({ root: join(root, 'dropbox') });
  try {
    const home = join(root, 'home');
    const vault = join(root, 'Cases');
    const env = { CASEVAULT_KDF_PROFILE: 'interactive', CASEVAULT_DROPBOX_API_URL: server.url };
    const store = osTokenStore(home, keychain(), 'linux');
    const first = new Engine(home, env, store);
    await first.init({
      vaultDir: vault,
      cloud: { kind: 'dropbox', root: '' },
      dropbox: { appKey: server.appKey, refreshToken: server.refreshToken },
      passphrase: PASSPHRASE,
    });
    const onDisk = await readFile(join(home, KEYCHAIN_FILE));
    assert.ok(!onDisk.includes(Buffer.from(server.refreshToken)), 'the keychain copy is encrypted');

    await writeFile(join(vault, 'letter.txt'), 'Dear member');
    const restarted = new Engine(home, env, store);
    assert.equal(await restarted.needsUnlockToConnect(), false);
    assert.equal((await restarted.sync()).uploaded, 1, 'synced while locked');

    const noKeychain = new Engine(home, env);
    assert.equal(await noKeychain.needsUnlockToConnect(), true);
    await assert.rejects(noKeychain.sync(), (e: Error) => e.name === 'Locked');

    await writeFile(join(home, KEYCHAIN_FILE), Buffer.from('not what the keychain wrote'));
    assert.equal(await osTokenStore(home, keychain(), 'linux').load(), undefined);
    assert.equal(await exists(join(home, KEYCHAIN_FILE)), false, 'a damaged copy is removed');
    const again = new Engine(home, env, store);
    await again.unlock({ passphrase: PASSPHRASE });
    assert.ok(await exists(join(home, KEYCHAIN_FILE)), 'an unlock puts the sealed sign-in back into the keychain');
  } finally {
    await server.close();
  }
});
