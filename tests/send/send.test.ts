// Sending through the engine and the real command: what is sent (a folder
// under its name, a vault path under its path, links left out), the package
// opening to the same bytes, the record of packages sent (sealed at rest,
// listed by `casevault sends`, a damaged line counted and exit 3) and the
// audit entry; and each refusal with its sentence and exit code, nothing
// overwritten and nothing left behind.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SendReport, SentPackages } from '../../contract/index.js';
import { makeVault } from '../helpers/vault.js';
import { bytesOfPage, contentsOf } from './helpers.js';
import { openPackage } from '../../crypto/send/index.js';
import { ready } from '../../crypto/sodium.js';

const OWN = 'correct horse battery staple orbit';
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

test('casevault send: a folder and a file, opened again to the same bytes; recorded in the sealed record and the audit trail', async () => {
  const files = {
    'Case 0042/letter.txt': 'Dear Ms Patel, the hearing is on Tuesday.',
    'Case 0042/notes/call.txt': 'Called HR at 10:00.',
    'Other/rota.csv': 'a,b\n',
  };
  const { root, vault, home, cli } = await makeVault({ files });
  await symlink(join(vault, 'Other/rota.csv'), join(vault, 'Case 0042/link.csv'));
  const out = join(root, 'out', 'package.html');
  const r = await cli(['send', join(vault, 'Case 0042'), join(vault, 'Other/rota.csv'), '--out', out, '--to', 'J. Patel, Thompsons', '--json'], {
    CASEVAULT_SEND_PASSPHRASE: OWN,
  });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as SendReport;
  assert.equal(report.passphrase, null, "the person's own passphrase is never echoed");
  assert.equal(report.linksSkipped, 1);
  assert.deepEqual(
    report.files.map((f) => [f.name, f.size, f.sha256]),
    [
      ['Case 0042/letter.txt', files['Case 0042/letter.txt'].length, sha(files['Case 0042/letter.txt'])],
      ['Case 0042/notes/call.txt', files['Case 0042/notes/call.txt'].length, sha(files['Case 0042/notes/call.txt'])],
      ['rota.csv', 4, sha('a,b\n')],
    ],
  );

  const pkg = await openPackage(
    await ready(),
    async function* () {
      yield await bytesOfPage(out);
    },
    OWN,
  );
  assert.deepEqual(
    (await contentsOf(pkg)).map((b) => Buffer.from(b).toString()),
    [files['Case 0042/letter.txt'], files['Case 0042/notes/call.txt'], 'a,b\n'],
  );

  const sends = await cli(['sends', '--json']);
  assert.equal(sends.code, 0, sends.stderr);
  const listed = JSON.parse(sends.stdout) as SentPackages;
  assert.equal(listed.unreadable, 0);
  assert.deepEqual(listed.packages[0], { id: report.id, at: report.at, to: 'J. Patel, Thompsons', out, expires: null, files: report.files });
  const record = await readFile(join(home, 'sends.log'), 'utf8');
  for (const secret of ['Patel', 'letter.txt', 'Case 0042', sha('a,b\n')]) assert.ok(!record.includes(secret), `${secret} is sealed in the record`);

  const audit = await cli(['audit', '--json']);
  const entry = (JSON.parse(audit.stdout) as { event: string; detail?: string }[]).find((e) => e.event === 'sent securely');
  const detail = entry?.detail ?? '';
  assert.ok(detail.startsWith(`package ${report.id}: 3 files (`), detail);
  assert.ok(detail.includes('to "J. Patel, Thompsons" in package.html'));
  assert.ok(detail.includes(`Case 0042/letter.txt (${files['Case 0042/letter.txt'].length} bytes, SHA-256 ${sha(files['Case 0042/letter.txt'])})`));

  // A damaged line is counted and fails the listing (exit 3); the rest is still listed.
  await appendFile(join(home, 'sends.log'), '{"v":1,"nonce":"AAAA","sealed":"AAAA"}\n');
  const damaged = await cli(['sends']);
  assert.equal(damaged.code, 3, damaged.stderr);
  assert.match(damaged.stdout, /J\. Patel, Thompsons/);
  assert.match(damaged.stderr, /1 record of packages sent could not be read/);
  assert.equal((await readFile(join(home, 'sends.log'), 'utf8')).split('\n').length, 3, 'nothing removed');
});

test('the app names vault files by their vault path; a made passphrase is returned once', async () => {
  const { root, engine } = await makeVault({ files: { 'Members/0042/letter.txt': 'x', 'Members/0043/letter.txt': 'y' }, unlocked: true });
  const r = await engine.sendFiles({ paths: ['Members/0042/letter.txt', 'Members/0043/letter.txt'], out: join(root, 'p.html') });
  assert.deepEqual(
    r.files.map((f) => f.name),
    ['Members/0042/letter.txt', 'Members/0043/letter.txt'],
  );
  assert.equal(r.passphrase?.split(' ').length, 5);
  await assert.rejects(engine.sendFiles({ paths: ['../outside.txt'], out: join(root, 'q.html') }), { kind: 'usage' });
  await engine.stopLiveSync();
});

test('casevault send refuses with a sentence and exit 2 (or 4 for the wrong vault passphrase), overwriting and leaving nothing', async () => {
  const { root, vault, cli } = await makeVault({ files: { 'a.txt': 'a', 'Case 1/x.txt': 'x', 'Case 2/Case 1/x.txt': 'y' } });
  const existing = join(root, 'taken.html');
  await writeFile(existing, 'the person’s own file');
  const a = join(vault, 'a.txt');
  const own = { CASEVAULT_SEND_PASSPHRASE: OWN };
  const cases: [string, string[], Record<string, string>, number, RegExp][] = [
    ['no --out', ['send', a], own, 2, /--out PACKAGE\.html/],
    ['an existing file', ['send', a, '--out', existing], own, 2, /already there; choose a new name \(nothing was overwritten\)/],
    ['not .html', ['send', a, '--out', join(root, 'p.zip')], own, 2, /must end in \.html/],
    ['inside the vault', ['send', a, '--out', join(vault, 'p.html')], own, 2, /outside the vault and cloud folders/],
    ['not there', ['send', join(vault, 'nope.txt'), '--out', join(root, 'p.html')], own, 2, /not there/],
    ['a date that is not a day', ['send', a, '--out', join(root, 'p.html'), '--expires', '2030-02-30'], own, 2, /not a real day/],
    ['a date passed', ['send', a, '--out', join(root, 'p.html'), '--expires', '2020-01-01'], own, 2, /has passed/],
    ['a weak passphrase', ['send', a, '--out', join(root, 'p.html')], { CASEVAULT_SEND_PASSPHRASE: 'password' }, 2, /too weak/],
    [
      'two files with one name',
      ['send', join(vault, 'Case 1'), join(vault, 'Case 2/Case 1'), '--out', join(root, 'p.html')],
      own,
      2,
      /would have the same name in the package/,
    ],
    ['the wrong vault passphrase', ['send', a, '--out', join(root, 'p.html')], { ...own, CASEVAULT_PASSPHRASE: 'not the right one at all' }, 4, /./],
  ];
  for (const [name, args, extra, code, said] of cases) {
    const r = await cli(args, extra);
    assert.equal(r.code, code, `${name}: ${r.stderr}`);
    assert.match(r.stderr, said, name);
    assert.equal(r.stderr.trim().split('\n').length <= 2, true, `${name}: a sentence and a next step at most: ${r.stderr}`);
  }
  assert.equal(await readFile(existing, 'utf8'), 'the person’s own file');
  assert.deepEqual((await readdir(root)).sort(), ['Cases', 'cloud', 'home', 'taken.html'].sort(), 'no package and no temporary file left behind');
});
