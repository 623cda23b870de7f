// The audit trail: what is recorded, and `audit --verify` catching any edit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PASSPHRASE, run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const AUDIT_WRITER = fileURLToPath(new URL('../helpers/audit-writer.js', import.meta.url));

test('audit: unlocks, failed unlocks and key changes are recorded; edits, removals, reordering, insertions and cut-offs are caught (exit 3)', async () => {
  const { home, cloud, env } = await makeVault();
  assert.equal((await run(['verify', '--cloud'], { ...env, CASEVAULT_PASSPHRASE: 'not the right one at all' })).code, 4);
  assert.equal((await run(['passwd'], { ...env, CASEVAULT_NEW_PASSPHRASE: 'seven orange kites drift over harbour' })).code, 0);
  const env2 = { ...env, CASEVAULT_PASSPHRASE: 'seven orange kites drift over harbour' };

  const ok = await run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME });
  assert.equal(ok.code, 0, ok.stderr);
  const list = await run(['audit', '--json'], env2);
  assert.equal(list.code, 0, list.stderr);
  const events = (JSON.parse(list.stdout) as { event: string }[]).map((e) => e.event);
  assert.deepEqual(events.slice(0, 7), ['vault created', 'recovery key confirmed', 'unlock failed', 'unlocked', 'passphrase changed', 'locked', 'unlocked']);
  assert.ok(!(await readFile(join(home, 'audit.log'), 'utf8')).includes('passphrase changed'), 'entries are encrypted at rest');
  const lineCount = async (file: string) => (await readFile(file, 'utf8')).trimEnd().split('\n').length;
  const inCloud = async () => Promise.all((await readdir(join(cloud, 'audit')).catch(() => [])).map((n) => lineCount(join(cloud, 'audit', n))));
  const [before = 0] = await inCloud();
  assert.ok(
    before <= (await lineCount(join(home, 'audit.log'))) - 5,
    'the five entries since were not uploaded one by one: the cloud does not see when each was written',
  );
  assert.equal((await run(['sync'], env2)).code, 0);
  assert.deepEqual(await inCloud(), [await lineCount(join(home, 'audit.log'))], 'the sync pass mirrors them all at once');
  const [mirror] = await readdir(join(cloud, 'audit'));
  assert.match(mirror!, /^[0-9a-f]{32}\.log$/);

  const log = join(home, 'audit.log');
  const good = await readFile(log, 'utf8');
  const lines = good.trimEnd().split('\n');
  const tamper = async (text: string) => {
    await writeFile(log, text);
    const r = await run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME });
    await writeFile(log, good);
    return r;
  };
  const edited = [...lines];
  edited[1] = edited[1]!.replace(/ [A-Za-z0-9+/=]{10}/, (m) => m.slice(0, -1) + (m.endsWith('A') ? 'B' : 'A'));
  for (const [name, text] of [
    ['edited', `${edited.join('\n')}\n`],
    ['removed', `${lines.filter((_, i) => i !== 1).join('\n')}\n`],
    ['reordered', `${[lines[1], lines[0], ...lines.slice(2)].join('\n')}\n`],
    ['inserted', `${[lines[0], lines[0], ...lines.slice(1)].join('\n')}\n`],
    ['cut off at the end', `${lines.slice(0, -1).join('\n')}\n`],
  ] as const) {
    const r = await tamper(text);
    assert.equal(r.code, 3, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^casevault: the audit trail has been tampered with/);
  }
  assert.equal((await run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME })).code, 0);
});

test('audit: cutting entries off the end and rewriting audit-head.json to match (as docs/format.md describes it) is caught (exit 3)', async () => {
  const { home, env } = await makeVault();
  assert.equal((await run(['verify', '--cloud'], { ...env, CASEVAULT_PASSPHRASE: 'not the right one at all' })).code, 4);
  assert.equal((await run(['verify', '--cloud'], env)).code, 0);
  const lines = (await readFile(join(home, 'audit.log'), 'utf8')).trimEnd().split('\n');
  assert.ok(lines.length >= 3);
  const kept = lines.slice(0, -2);
  const [, seq, , tag] = kept.at(-1)!.split(' ');
  const before = JSON.parse(await readFile(join(home, 'audit-head.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(home, 'audit.log'), `${kept.join('\n')}\n`);
  for (const forged of [
    { seq: Number(seq), tag },
    { ...before, seq: Number(seq), tag },
  ]) {
    await writeFile(join(home, 'audit-head.json'), JSON.stringify(forged));
    const r = await run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME });
    assert.equal(r.code, 3, `${JSON.stringify(Object.keys(forged))}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /not authentic/);
  }
});

test('audit: the mirrored trail does not tell the cloud how long an entry is, or a failed unlock from a successful one', async () => {
  const { cloud, env } = await makeVault();
  assert.equal((await run(['verify', '--cloud'], { ...env, CASEVAULT_PASSPHRASE: 'not the right one at all' })).code, 4);
  assert.equal((await run(['verify', '--cloud'], env)).code, 0);
  assert.equal((await run(['sync'], env)).code, 0);
  const [mirror] = await readdir(join(cloud, 'audit'));
  const sealed = (await readFile(join(cloud, 'audit', mirror!), 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => l.split(' ')[2]!);
  assert.ok(sealed.length >= 4, 'created, a failed unlock, an unlock, a lock');
  assert.equal(new Set(sealed.map((s) => s.length)).size, 1, `every entry one size: ${sealed.map((s) => s.length).join(', ')}`);
});

test('audit: entries recorded at once by one process, and a check among them, chain as one trail: no two lines of one number, no check seeing the log past its head', async () => {
  const { engine } = await makeVault();
  const before = (await engine.auditVerify()).entries;
  const checks: Promise<{ ok: boolean; problem?: string }>[] = [];
  const records: Promise<void>[] = [];
  for (let i = 0; i < 20; i++) {
    records.push(engine.record('test event', `number ${i}`));
    checks.push(engine.auditVerify());
  }
  await Promise.all(records);
  for (const c of await Promise.all(checks)) assert.equal(c.ok, true, c.problem);
  assert.deepEqual(await engine.auditVerify(), { ok: true, entries: before + 20 });
});

test('audit: a write killed between its line and its head, or cut short mid-line, is no tampering and the next entry chains on', async () => {
  const { home, cloud, engine } = await makeVault();
  const log = join(home, 'audit.log');
  const headFile = join(home, 'audit-head.json');
  const headBefore = await readFile(headFile, 'utf8');
  await engine.record('test event', 'its head is lost');
  await writeFile(headFile, headBefore); // killed after the line's fsync, before the head was written
  const past = await engine.auditVerify();
  assert.equal(past.ok, true, past.problem);
  await engine.record('test event', 'the next one');
  const seqs = (await readFile(log, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    'no number twice',
  );
  assert.deepEqual(await engine.auditVerify(), { ok: true, entries: seqs.length });

  await appendFile(log, 'v1 99 AAAA'); // power lost mid-line
  assert.deepEqual(await engine.auditVerify(), { ok: true, entries: seqs.length }, 'a line with no end is not an entry');
  assert.equal((await engine.sync()).failed.length, 0);
  const [mirror] = await readdir(join(cloud, 'audit'));
  const mirrored = await readFile(join(cloud, 'audit', mirror!), 'utf8');
  assert.ok(mirrored.endsWith('\n') && !mirrored.includes('AAAA'), 'the cloud gets whole lines only: another computer would call a torn one damaged');
  await engine.record('test event', 'after the torn line');
  assert.deepEqual(await engine.auditVerify(), { ok: true, entries: seqs.length + 1 });
  assert.ok(!(await readFile(log, 'utf8')).includes('AAAAv1'), 'the torn line was cut off, not run into');

  const entries = await run(['audit', '--json'], { CASEVAULT_HOME: home, CASEVAULT_PASSPHRASE: PASSPHRASE, CASEVAULT_KDF_PROFILE: 'interactive' });
  assert.equal(entries.code, 0, entries.stderr);
  assert.deepEqual(
    (JSON.parse(entries.stdout) as { event: string; detail?: string }[]).filter((e) => e.event === 'test event').map((e) => e.detail),
    ['its head is lost', 'the next one', 'after the torn line'],
  );
  const forgedHead = JSON.parse(headBefore) as { seq: number };
  await writeFile(headFile, JSON.stringify({ ...forgedHead, seq: seqs.length + 5 }));
  assert.equal((await engine.auditVerify()).ok, false, 'a head past the log still means entries were cut off');
});

test('audit: processes recording into one home at once (the app and a command) chain one trail', async () => {
  const { home, engine } = await makeVault();
  const before = (await engine.auditVerify()).entries;
  const writers = Array.from({ length: 3 }, () => spawn(process.execPath, [AUDIT_WRITER, home, '25'], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const said = (w: (typeof writers)[number]) => new Promise<string>((resolve) => w.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  assert.deepEqual(await Promise.all(writers.map(said)), ['ready', 'ready', 'ready']);
  const done = writers.map((w) => new Promise<number | null>((resolve) => w.once('exit', resolve)));
  for (const w of writers) w.stdin.end('go\n');
  const mine = Array.from({ length: 25 }, (_, i) => engine.record('test event', `parent ${i}`));
  await Promise.all(mine);
  assert.deepEqual(await Promise.all(done), [0, 0, 0]);
  const check = await engine.auditVerify();
  assert.equal(check.ok, true, check.problem);
  assert.equal(check.entries, before + 100);
});

test("audit --verify: this computer's mirror in the cloud holding entries the log here lacks (cut off with an earlier head put back, or another entry at one number) is tampering (exit 3); a mirror only behind is not, and sync keeps the evidence", async () => {
  const { home, cloud, env } = await makeVault();
  const verify = () => run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME });
  const log = join(home, 'audit.log');
  const headFile = join(home, 'audit-head.json');
  assert.equal((await run(['sync'], env)).code, 0);
  const [earlyLog, earlyHead] = [await readFile(log, 'utf8'), await readFile(headFile, 'utf8')]; // an earlier, authentic head
  for (let i = 0; i < 2; i++) assert.equal((await run(['audit', '--reviewed'], { CASEVAULT_HOME: home })).code, 0);
  const behind = await verify();
  assert.equal(behind.code, 0, `a mirror behind the log (not yet synced) is fine: ${behind.stderr}`);
  assert.equal((await run(['sync'], env)).code, 0);
  const [mirror] = await readdir(join(cloud, 'audit'));
  const mirrorFile = join(cloud, 'audit', mirror!);
  const full = await readFile(mirrorFile, 'utf8');
  assert.equal(full, await readFile(log, 'utf8'));

  await writeFile(log, earlyLog);
  await writeFile(headFile, earlyHead);
  const cut = await verify();
  assert.equal(cut.code, 3, cut.stdout + cut.stderr);
  assert.match(cut.stderr, /^casevault: the audit trail has been tampered with or damaged: .*cloud holds 2 entries more than the audit log here/);
  assert.equal((await run(['sync'], env)).code, 0);
  assert.equal(await readFile(mirrorFile, 'utf8'), full, 'sync leaves the longer mirror: it is the evidence, never overwritten');
  assert.equal((await verify()).code, 3);

  assert.equal((await run(['audit', '--reviewed'], { CASEVAULT_HOME: home })).code, 0); // one entry chained on where the cut log ends
  const other = await verify();
  assert.equal(other.code, 3, other.stdout + other.stderr);
  assert.match(other.stderr, /entry \d+ of this computer's copy of the trail in the cloud differs from the audit log here/);

  // The cloud lacks the key: lines it adds or spoils are not read as entries the log lacks.
  await writeFile(log, earlyLog);
  await writeFile(headFile, earlyHead);
  await writeFile(mirrorFile, earlyLog);
  const last = earlyLog.trimEnd().split('\n').at(-1)!.split(' ');
  await appendFile(mirrorFile, `v1 ${Number(last[1]) + 1} ${last[2]} ${'0'.repeat(64)}\n`);
  const forged = await verify();
  assert.equal(forged.code, 0, `a forged line in the mirror is no entry: ${forged.stderr}`);
});

test('audit --verify: a vault whose trail is missing (no audit.log and no head) is damaged or tampered (exit 3), not "intact: 0 entries"', async () => {
  const { home, cloud, env } = await makeVault();
  await rm(join(home, 'audit.log'));
  await rm(join(home, 'audit-head.json'));
  await rm(join(cloud, 'audit'), { recursive: true, force: true }); // no mirror to compare with either
  const r = await run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /intact/);
  assert.match(r.stderr, /^casevault: the audit trail has been tampered with or damaged: the audit log is missing or empty/);
  await writeFile(join(home, 'audit.log'), '');
  assert.equal((await run(['audit', '--verify'], { CASEVAULT_HOME: env.CASEVAULT_HOME })).code, 3, 'an empty log likewise');
});

test('audit and audit --json check the chain: a tampered trail is listed as far as it can be, with the tampering sentence on stderr, exit 3', async () => {
  const { home, env } = await makeVault();
  const good = await run(['audit'], env);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stderr, '');
  const log = join(home, 'audit.log');
  const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
  assert.ok(lines.length >= 3);
  await writeFile(log, `${lines.filter((_, i) => i !== 1).join('\n')}\n`); // one entry removed
  const listed = await run(['audit'], env);
  assert.equal(listed.code, 3, listed.stdout + listed.stderr);
  assert.match(listed.stdout, /vault created/, 'what can be read is still listed');
  assert.match(listed.stderr, /^casevault: the audit trail has been tampered with or damaged: line 2 of the audit log is out of sequence/);
  const json = await run(['audit', '--json'], env);
  assert.equal(json.code, 3, json.stdout + json.stderr);
  const rows = JSON.parse(json.stdout) as { event: string }[];
  assert.ok(Array.isArray(rows) && rows[0]?.event === 'vault created', 'the JSON is the same array of entries scripts read');
  assert.match(json.stderr, /^casevault: the audit trail has been tampered with or damaged/);

  const edited = [...lines];
  edited[1] = edited[1]!.replace(/ [A-Za-z0-9+/=]{10}/, (m) => m.slice(0, -1) + (m.endsWith('A') ? 'B' : 'A'));
  await writeFile(log, `${edited.join('\n')}\n`); // an entry that no longer decrypts
  const unreadable = await run(['audit'], env);
  assert.equal(unreadable.code, 3, unreadable.stdout + unreadable.stderr);
  assert.match(unreadable.stderr, /^casevault: the audit trail has been tampered with or damaged: line 2 of the audit log is edited or forged/);
});
