// A `delete CASE --yes` or `archive CASE --yes` killed part way (its cases
// listed in CASEVAULT_HOME/deleting-cases.json or archiving-cases.json,
// engine/housekeeping/under-way.ts) left the case's files partly gone while
// the audit trail did not record it and its cloud objects stayed, and
// `status` said nothing: "ok Retention: no case is past the retention
// period". The retention area now names the case and what finishes it (the
// same request again), `retention --json` lists it as unfinished, and both
// are clear once that request has run.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HealthItem, RetentionReport } from '../../contract/index.js';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { killStates } from '../helpers/stops.js';
import { makeVault, type TestVault } from '../helpers/vault.js';
import { ok } from '../handover/helpers.js';
import { OLD } from './helpers.js';

const files = { 'Old case/a.txt': ['a', OLD] as [string, Date], 'Old case/sub/b.txt': ['b', OLD] as [string, Date], 'Current/c.txt': 'c' };

async function retentionItem(v: TestVault): Promise<HealthItem> {
  const r = ok(await v.cli(['status', '--json']), 'status');
  return (JSON.parse(r.stdout) as { health: HealthItem[] }).health.find((h) => h.area === 'retention')!;
}

/** The state a kill left after the case's first file went and before its record: the run's marker there, a file of the case gone. */
async function killedPartWay(v: TestVault, work: (e: Engine) => Promise<unknown>, marker: string): Promise<void> {
  const engine = new Engine(v.home, v.env);
  await engine.unlock({ passphrase: PASSPHRASE });
  const states = await killStates([v.home, v.vault, v.cloud, v.backup], join(v.root, 'states'), () => work(engine));
  await engine.lock();
  for (let at = 0; at < states.count; at++) {
    if ((await exists(join(states.path(at, v.home), marker))) && !(await exists(join(states.path(at, v.vault), 'Old case', 'a.txt')))) {
      await states.restore(at);
      // A dead process's locks are taken over; these name this process, which is alive.
      await rm(join(v.home, 'lock'), { force: true });
      await rm(join(v.backup, 'lock'), { force: true });
      return;
    }
  }
  assert.fail(`no write of the ${marker} run left its marker with a file of the case gone`);
}

test('a delete killed part way: status names the case and the same delete as what finishes it; retention lists it as unfinished; both clear once it has run', async () => {
  const v = await makeVault({ files, synced: true, backedUp: true });
  assert.equal((await retentionItem(v)).message, '1 case is past the retention period of 6 years');
  await killedPartWay(v, (e) => e.deleteCases({ cases: ['Old case'], confirm: true }), 'deleting-cases.json');

  const item = await retentionItem(v);
  assert.equal(item.ok, false);
  assert.equal(item.urgency, 'attention');
  assert.equal(item.next, 'finish-case-removal');
  assert.equal(
    item.message,
    'the deletion of the case “Old case” is not finished: some of its files may be gone from this computer, while the audit trail does not record it yet and the cloud copy still holds them',
  );
  assert.match(
    ok(await v.cli(['status']), 'status').stdout,
    /!! Retention: the deletion of the case “Old case” is not finished: .*; run the same `casevault delete CASE --yes` \(for a deletion\) or `casevault archive CASE --yes` \(for an archiving\) again for each case named, which finishes it/,
  );
  const listed = JSON.parse(ok(await v.cli(['retention', '--json']), 'retention').stdout) as RetentionReport;
  assert.deepEqual(listed.unfinished, [{ case: 'Old case', doing: 'delete' }]);

  ok(await v.cli(['delete', 'Old case', '--yes']), 'delete, to finish it');
  const after = await retentionItem(v);
  assert.equal(after.ok, true, after.message);
  assert.deepEqual((JSON.parse(ok(await v.cli(['retention', '--json']), 'retention').stdout) as RetentionReport).unfinished, []);
});

test('an archive killed part way: status names the case and the same archive as what finishes it, and is clear once it has run', async () => {
  const v = await makeVault({ files, synced: true, backedUp: true });
  await killedPartWay(v, (e) => e.archiveCases({ cases: ['Old case'], confirm: true }), 'archiving-cases.json');

  const item = await retentionItem(v);
  assert.equal(item.ok, false);
  assert.equal(item.urgency, 'attention');
  assert.equal(item.next, 'finish-case-removal');
  assert.match(item.message, /^the archiving of the case “Old case” is not finished: /);
  const listed = JSON.parse(ok(await v.cli(['retention', '--json']), 'retention').stdout) as RetentionReport;
  assert.deepEqual(listed.unfinished, [{ case: 'Old case', doing: 'archive' }]);

  ok(await v.cli(['archive', 'Old case', '--yes']), 'archive, to finish it');
  assert.equal((await retentionItem(v)).ok, true);
});
