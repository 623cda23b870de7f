// Issue 15, item 3: the cloud's key file never by itself lets earlier keys
// open cloud objects. Its "re-encrypting" state is authentic between the two
// steps of a key rotation, so a cloud that kept a copy can put it back
// later; a new computer recovering with the new passphrase must still not
// take objects planted with the lost computer's write keys. Only the
// rotating computer reads old objects, with the keys it keeps itself; a
// recover during an unfinished rotation reports what is not re-encrypted yet.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { sealObjectFromDocs, writeKeysOfConfig } from '../helpers/forge-from-docs.js';
import { exists, readTree } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { ROTATED } from '../rotate/helpers.js';

const files = { 'a.txt': 'member A', 'b/c.txt': 'member C' };

test("a replayed 're-encrypting' key file does not make a new computer take objects planted with the lost computer's keys", async () => {
  const v = await makeVault({ files, synced: true });
  const lost = writeKeysOfConfig(JSON.parse(await readFile(join(v.home, 'config.json'), 'utf8')));
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED });
  const replay = await readFile(join(v.cloud, 'casevault.key')); // authentic, between the two steps
  assert.match(replay.toString(), /re-encrypting/);
  await v.engine.finishKeyRotation();

  // The thief plants a file with the lost laptop's write keys; the cloud puts the old key file back.
  const planted = await sealObjectFromDocs(lost, 'b/urgent - read me.txt', new TextEncoder().encode('planted by the thief'));
  await mkdir(dirname(join(v.cloud, planted.name)), { recursive: true });
  await writeFile(join(v.cloud, planted.name), planted.bytes);
  await writeFile(join(v.cloud, 'casevault.key'), replay);

  const into = join(v.root, 'new-computer');
  const other = new Engine(join(v.root, 'home2'), v.env);
  const r = await other.recover({ vaultDir: into, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: ROTATED } });
  assert.equal(await exists(join(into, 'b', 'urgent - read me.txt')), false, 'the planted file is not restored');
  assert.deepEqual(await readTree(into), await readTree(v.vault), 'every real file is');
  assert.deepEqual(
    r.failed.map((f) => f.object),
    [planted.name],
    'and the planted object is reported',
  );
  assert.match(r.failed[0]!.reason, /from before a key rotation/);
});

test('a recover while a rotation is still re-encrypting reports the files not yet re-encrypted instead of reading them with the old keys', async () => {
  const v = await makeVault({ files, synced: true });
  await v.engine.unlock({ passphrase: PASSPHRASE });
  await v.engine.rotateKeys({ newPassphrase: ROTATED }); // step 1 only: every object is still under the old keys
  // The rotating computer itself still checks its cloud copy with the keys it keeps.
  assert.deepEqual((await v.engine.verifyCloud()).bad, []);

  const other = new Engine(join(v.root, 'home2'), v.env);
  const into = join(v.root, 'new-computer');
  const r = await other.recover({ vaultDir: into, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: ROTATED } });
  assert.equal(r.restored, 0);
  assert.equal(r.failed.length, 2);
  for (const f of r.failed) assert.match(f.reason, /from before a key rotation/);
  const cli = await v.cli(['recover', '--cloud', v.cloud, '--vault', join(v.root, 'by-cli')], {
    CASEVAULT_HOME: join(v.root, 'home3'),
    CASEVAULT_PASSPHRASE: ROTATED,
  });
  assert.equal(cli.code, 1, cli.stderr);
  assert.match(cli.stderr, /not re-encrypted|from before a key rotation/);
  assert.match(cli.stderr, /rotate-keys/, 'the next step: finish the rotation');

  // Once the rotation is finished, a recover gets every file.
  await v.engine.finishKeyRotation();
  const again = new Engine(join(v.root, 'home4'), v.env);
  const into2 = join(v.root, 'after');
  const r2 = await again.recover({ vaultDir: into2, cloud: { kind: 'folder', dir: v.cloud }, secret: { passphrase: ROTATED } });
  assert.deepEqual(r2.failed, []);
  assert.deepEqual(await readTree(into2), await readTree(v.vault));
});
