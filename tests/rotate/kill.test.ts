// Fault test: kill -9 `rotate-keys` at random instants, with syncs of a
// changing vault in between, then finish it: nothing is lost or duplicated,
// nothing in the cloud is left under the old keys, a file changed after the
// switch keeps its new content (never overwritten by its re-encrypted old
// copy), and the backup from before still restores.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openKeyFile, openObject, parseKeyFile, parseObjectRemoteName } from '../../crypto/index.js';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { exists, listFiles, readTree } from '../helpers/fs.js';
import { type Files, makeVault } from '../helpers/vault.js';
import { ROTATED } from './helpers.js';

const ROUNDS = Number(process.env.CASEVAULT_KILL_ROUNDS ?? 8);

test(`kill -9 during rotate-keys at ${ROUNDS} random instants, rotation after rotation: finishing leaves every file, once, under the newest keys only`, async (t) => {
  const files: Files = { 'scan.pdf': randomBytes(5 * 1024 * 1024) };
  for (let d = 0; d < 8; d++) for (let f = 0; f < 25; f++) files[`case-${d}/doc-${f}.txt`] = randomBytes(randomInt(0, 40_000));
  const v = await makeVault({ files, backup: true });
  const { root, vault, cloud, home } = v;
  const env = { ...v.env, CASEVAULT_NEW_PASSPHRASE: ROTATED };
  assert.equal((await run(['sync'], env)).code, 0);
  assert.equal((await run(['backup'], env)).code, 0);
  const atBackup = await readTree(vault);
  const oldKeys = await openKeyFile(parseKeyFile(await readFile(join(home, 'casevault.key'))), { passphrase: PASSPHRASE });

  // Rotation after rotation, each killed at random instants until it finishes: generation g has passphrase pass(g).
  const pass = (g: number) => (g === 0 ? PASSPHRASE : `${ROTATED} ${g}`);
  const cloudKf = async () => parseKeyFile(await readFile(join(cloud, 'casevault.key')));
  let gen = 0;
  let genKey = (await cloudKf()).publicKey;
  let killed = 0;
  let refusedSyncs = 0;
  const phases = { 'before the switch': 0, 'while re-encrypting': 0, finished: 0 };
  const settle = async () => {
    const kf = await cloudKf();
    const pending = await exists(join(home, 'rotating.json'));
    if (!pending && kf.publicKey !== genKey && kf.previous?.cloud === 'done') {
      phases.finished++;
      gen++;
      genKey = kf.publicKey;
    } else phases[kf.publicKey !== genKey ? 'while re-encrypting' : 'before the switch']++;
  };
  const envOf = (g: number) => ({ ...env, CASEVAULT_PASSPHRASE: pass(g), CASEVAULT_NEW_PASSPHRASE: pass(g + 1) });
  for (let round = 0; round < ROUNDS; round++) {
    const r = await run(['rotate-keys'], envOf(gen), randomInt(100, 2500));
    if (r.code === null) killed++;
    else assert.equal(r.code, 0, r.stderr);
    await settle();
    // Between runs the vault changes and a sync runs, as live sync would: it either refuses (keys half switched) or uploads under the new keys.
    for (let i = 0; i < 6; i++) await writeFile(join(vault, `case-${randomInt(0, 8)}`, `doc-${randomInt(0, 30)}.txt`), randomBytes(randomInt(0, 40_000)));
    const s = await run(['sync'], envOf(gen));
    if (s.code === 1 && /key rotation on this computer did not finish/.test(s.stderr)) refusedSyncs++;
    else assert.equal(s.code, 0, s.stderr);
  }
  // Finish what was left, and on a machine so busy that every run was killed before its switch, rotate once unkilled: the checks below need one finished rotation.
  while (gen === 0 || (await exists(join(home, 'rotating.json')))) {
    const r = await run(['rotate-keys'], envOf(gen));
    assert.equal(r.code, 0, r.stderr);
    await settle();
  }
  const newEnv = { ...env, CASEVAULT_PASSPHRASE: pass(gen) };
  assert.equal((await run(['sync'], newEnv)).code, 0);
  const verify = await run(['verify', '--cloud'], newEnv);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.equal((await run(['audit', '--verify'], newEnv)).code, 0);

  const want = await readTree(vault);
  const objects = await listFiles(join(cloud, 'objects'));
  assert.equal(objects.length, want.size, 'one object per file, no duplicates');
  let readableWithOld = 0;
  for (const o of objects) {
    const id = parseObjectRemoteName(`objects/${o}`);
    if (!id) continue;
    await openObject([oldKeys], Buffer.from(id, 'hex'), [await readFile(join(cloud, 'objects', o))]).then(
      () => readableWithOld++,
      () => {},
    );
  }
  assert.equal(readableWithOld, 0, "nothing in the cloud opens with the lost computer's keys");

  const target = join(root, 'recovered');
  const r = await run(['recover', '--cloud', cloud, '--vault', target], { ...newEnv, CASEVAULT_HOME: join(root, 'home2') });
  assert.equal(r.code, 0, r.stderr);
  const got = await readTree(target);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), `${p}: the vault's current content`);

  const restored = join(root, 'restored');
  assert.equal((await run(['restore', '--snapshot', 'latest', '--to', restored], newEnv)).code, 0);
  const back = await readTree(restored);
  for (const [p, d] of atBackup) assert.ok(back.get(p)?.equals(d), `${p} from the backup taken before the rotation`);
  t.diagnostic(
    `rotate-keys killed mid-run ${killed} times in ${ROUNDS} rounds, ${gen} rotations finished (runs stopped: ${Object.entries(phases)
      .map(([k, n]) => `${k} ${n}`)
      .join(
        ', ',
      )}); ${refusedSyncs} syncs refused while it was half done; ${want.size} files checked by recovering the cloud; lost 0, duplicated 0, readable with the old keys 0`,
  );
});
