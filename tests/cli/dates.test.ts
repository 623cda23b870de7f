// Dates a person reads at the terminal are in the computer's locale (LC_ALL,
// LC_TIME, LANG; none: day, month's name, year), to the second, never raw
// UTC ISO; --json keeps ISO for scripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateTimeSecondsText } from '../../contract/index.js';
import { makeVault } from '../helpers/vault.js';

test("status and audit print dates in the computer's locale; --json stays ISO", async () => {
  const v = await makeVault({ files: { 'a.txt': 'a' } });
  assert.equal((await v.cli(['sync'])).code, 0);
  const json = await v.cli(['status', '--json']);
  const at = (JSON.parse(json.stdout) as { lastSync: { at: string } }).lastSync.at;
  assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, '--json: ISO');

  for (const [env, locale] of [
    [{}, 'en-GB'],
    [{ LANG: 'en_US.UTF-8' }, 'en-US'],
    [{ LANG: 'en_US.UTF-8', LC_TIME: 'de_DE.UTF-8' }, 'de-DE'],
  ] as const) {
    const status = await v.cli(['status'], env);
    assert.equal(status.code, 0, status.stderr);
    assert.ok(status.stdout.includes(`Last sync: ${dateTimeSecondsText(at, locale)} (`), `${locale}: ${status.stdout}`);
    assert.ok(!status.stdout.includes(at), 'no raw ISO time');
  }
  assert.match(dateTimeSecondsText(at, 'en-GB'), /^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d:\d\d$/, 'e.g. 5 Dec 2026, 14:03:07');
  const audit = await v.cli(['audit'], { LC_ALL: 'C' });
  assert.match(audit.stdout, /^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d:\d\d {2}vault created/m, 'C: the fallback, day-month-year');
});
