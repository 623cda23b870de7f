// A removal killed part-way is never silent: while its marker is in the home
// and the vault is still set up, the vault's health (status, status --json,
// Home) says the removal is not finished, with `remove --yes` as the next
// step, and no longer "everything is protected" or just "sync now".
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import type { HealthItem } from '../../contract/index.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault } from '../helpers/vault.js';
import { handover, ok } from './helpers.js';

test('status says a killed removal is not finished, with `casevault remove --yes`, until it is', async () => {
  const v = await makeVault({ files: { 'a.txt': 'a', 'case-1/b.txt': 'b', 'case-1/c.txt': 'c' }, synced: true, backedUp: true });
  ok(await handover(v, join(v.root, 'copy')), 'handover');
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE }); // deleting the cloud copy reads which computers still use it (sealed records)
  const states = await killStates([v.home, v.vault, v.cloud, v.backup], join(v.root, 'states'), () =>
    engine.removeVault({ yes: true, cloud: 'delete', backups: 'delete' }),
  );
  let seen = 0;
  let last = 0;
  for (let at = 0; at < states.count; at++) {
    await states.restore(at);
    if (!(await exists(join(v.home, 'removing.json'))) || !(await exists(join(v.home, 'config.json')))) continue;
    if (!(await exists(join(v.cloud, 'casevault.key'))) && !(await exists(v.cloud))) continue; // status of a vault whose cloud folder is gone says that first
    seen++;
    last = at;
    const marker = JSON.parse(await readFile(join(v.home, 'removing.json'), 'utf8')) as { cloudDeleted?: boolean };
    const json = JSON.parse(ok(await v.cli(['status', '--json']), `status --json, kill before ${at}`).stdout) as { health: HealthItem[] };
    const item = json.health.find((h) => h.next === 'finish-removal');
    assert.ok(item, `kill before ${at}: the unfinished removal is in the health list`);
    assert.equal(item.ok, false);
    assert.match(item.message, /the removal of this vault from this computer is not finished/);
    assert.match(item.message, marker.cloudDeleted ? /the cloud copy is deleted/ : /the cloud copy is being deleted and may be partly gone/);
    assert.match(item.message, /the backups are being deleted/);
    const text = ok(await v.cli(['status']), 'status').stdout;
    assert.doesNotMatch(text, /everything is protected/);
    assert.match(text, /removal of this vault from this computer is not finished[^\n]*; run `casevault remove --yes` again/);
  }
  assert.ok(seen > 0, 'some kill left the marker beside the settings');
  await states.restore(last);
  ok(await v.cli(['remove', '--yes']), 'the advised command finishes it');
  assert.equal(await exists(v.home), false);
});
