// Archives of closed cases are kept in the backup folder, not in the handover
// copy (finding: neither the copy nor the output said so, and `remove
// --backups delete` destroyed them without a word). `handover` says how many
// there are and how the successor gets them; `remove --backups delete` is
// refused while the backup folder holds any, until each is deleted with
// `archives delete`.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../helpers/cli.js';
import { exists } from '../helpers/fs.js';
import { makeVault } from '../helpers/vault.js';
import { NEW_PASSPHRASE, failsWith, handover, ok } from './helpers.js';

const OLD = new Date('2015-01-01T12:00:00Z');

test('handover says the archives are not in the copy; remove --backups delete refuses while they are in the backup folder', async () => {
  const v = await makeVault({ files: { 'Old2015/f.txt': ['closed case, kept in an archive', OLD], 'Current/c.txt': 'c' }, synced: true, backedUp: true });
  const a = (JSON.parse(ok(await v.cli(['archive', 'Old2015', '--yes', '--json']), 'archive').stdout) as { archive: string }[])[0]!;

  const copy = join(v.root, 'copy');
  const sheet = join(v.root, 'sheet.html');
  const r = ok(await handover(v, copy, ['--sheet', sheet]), 'handover');
  assert.match(
    r.stdout,
    new RegExp(
      `The vault also has 1 archive of closed cases in its backup folder \\(${v.backup}\\), not in this copy: keep the backup drive and hand it over with the copy; it opens with this vault's current passphrase or recovery key, not your successor's\\.\n`,
    ),
  );
  assert.match(await readFile(sheet, 'utf8'), /1 archive<\/code>|1 archive of closed cases in its backup folder/);

  const refused = await v.cli(['remove', '--yes', '--backups', 'delete']);
  failsWith(
    refused,
    1,
    /the backup folder holds 1 archive of closed cases, which is not in the handover copy, so nothing was removed; keep the backups .*`casevault archives delete ID --yes`\.\n$/,
  );
  assert.ok(await exists(join(v.backup, 'config')), 'the backups are untouched');
  assert.ok(await exists(join(v.vault, 'Current', 'c.txt')), 'the vault folder is untouched');
  assert.ok(await exists(join(v.home, 'handover-verified.json')), 'the home is untouched');

  // The archive's record goes with the copy (the successor's retention marks name the case and its archive).
  const env = { CASEVAULT_HOME: join(v.root, 'succ-home'), CASEVAULT_PASSPHRASE: NEW_PASSPHRASE };
  ok(await run(['recover', '--cloud', copy, '--vault', join(v.root, 'succ-vault')], env), 'recover');
  const marks = JSON.parse(await readFile(join(v.root, 'succ-home', 'housekeeping.json'), 'utf8')) as { archives: { case: string; snapshot: string }[] };
  assert.deepEqual(
    marks.archives.map((x) => [x.snapshot, x.case]),
    [[a.archive, 'Old2015']],
  );

  ok(await v.cli(['archives', 'delete', a.archive, '--yes']), 'archives delete');
  const removed = ok(await v.cli(['remove', '--yes', '--backups', 'delete']), 'remove after the archive was deleted');
  assert.match(removed.stdout, /Backups: deleted\./);
  assert.equal(await exists(join(v.backup, 'config')), false);
});
