// The audit trail's exports and filters (engine/audit-export.ts), and the
// CLI's `audit --csv FILE` / `--html FILE` over a real vault.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { auditCsv, auditEventKinds, auditHtml, escapeHtml, filterAudit } from '../../contract/index.js';
import { run } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

const local = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).toISOString();
const entries = [
  { at: local(2026, 3, 1), event: 'vault created' },
  { at: local(2026, 3, 2, 0), event: 'unlocked', detail: 'with the passphrase' },
  { at: local(2026, 3, 2, 23), event: 'restored from a backup', detail: '3 files from snapshot ab12 (Member 0042)' },
  { at: local(2026, 3, 5), event: 'unlock failed', detail: 'with the recovery key' },
];

test('filters: kind of event, a date range in local days (both ends included), words in any case; newest first', () => {
  assert.deepEqual(
    filterAudit(entries).map((e) => e.event),
    ['unlock failed', 'restored from a backup', 'unlocked', 'vault created'],
  );
  assert.deepEqual(
    filterAudit(entries, { events: ['unlocked', 'unlock failed'] }).map((e) => e.event),
    ['unlock failed', 'unlocked'],
  );
  assert.deepEqual(
    filterAudit(entries, { from: '2026-03-02', to: '2026-03-02' }).map((e) => e.event),
    ['restored from a backup', 'unlocked'],
  );
  assert.deepEqual(
    filterAudit(entries, { from: '2026-03-03' }).map((e) => e.event),
    ['unlock failed'],
  );
  assert.deepEqual(
    filterAudit(entries, { text: 'MEMBER 0042' }).map((e) => e.event),
    ['restored from a backup'],
  );
  assert.deepEqual(
    filterAudit(entries, { text: 'recovery unlock' }).map((e) => e.event),
    ['unlock failed'],
  );
  assert.deepEqual(filterAudit(entries, { events: ['locked'] }), []);
  assert.deepEqual(auditEventKinds(entries), ['restored from a backup', 'unlock failed', 'unlocked', 'vault created']);
});

/** A strict reader of RFC 4180 CSV, to check the writer against. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    assert.equal(text[i], '"', 'every field is quoted');
    let field = '';
    i++;
    for (;;) {
      if (text[i] === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (text[i] === '"') {
        i++;
        break;
      } else field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n');
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

test('CSV: any text comes back field for field; a formula is defused so a spreadsheet shows it as text', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ at: fc.string(), event: fc.string(), detail: fc.option(fc.string(), { nil: undefined }) })), (rows) => {
      const back = parseCsv(auditCsv(rows));
      assert.deepEqual(back[0], ['time', 'event', 'detail']);
      assert.equal(back.length, rows.length + 1);
      rows.forEach((r, i) => {
        const defused = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
        assert.deepEqual(back[i + 1], [r.at, r.event, r.detail ?? ''].map(defused));
        for (const v of back[i + 1]!) assert.doesNotMatch(v, /^[=+\-@\t\r]/);
      });
    }),
  );
  assert.equal(auditCsv([{ at: 't', event: '=HYPERLINK("x")' }]).split('\r\n')[1], '"t","\'=HYPERLINK(""x"")",""');
});

test('HTML: everything is escaped, no scripts can run, and the header names the vault, the export time and the chain check', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const e = escapeHtml(s);
      assert.doesNotMatch(e, /[<>"']/);
      assert.equal(
        e
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&'),
        s,
      );
    }),
  );
  const html = auditHtml([{ at: 't', event: '<img src=x onerror=alert(1)>', detail: '"quoted" & <b>' }], {
    vault: '/home/a/<Cases>',
    exportedAt: '2026-03-09T10:00:00.000Z',
    check: { ok: true, entries: 42 },
  });
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('Vault: /home/a/&lt;Cases&gt;'));
  assert.ok(html.includes('Exported: 2026-03-09T10:00:00.000Z'));
  assert.ok(html.includes('The audit trail is intact: 42 entries.'));
  assert.ok(html.includes("default-src 'none'"));
  const bad = auditHtml([], { vault: 'v', exportedAt: 'now', check: { ok: false, entries: 3, problem: 'line 2 of the audit log is edited' } });
  assert.match(bad, /class="bad">Warning: the audit trail has been changed or damaged \(line 2 of the audit log is edited\)/);
});

test('audit --csv FILE and --html FILE export the whole trail; an existing file is never overwritten', async () => {
  const { root, env } = await makeVault();
  const csv = await run(['audit', '--csv', join(root, 'audit.csv')], env);
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /^Exported 3 entries to /);
  const rows = parseCsv(await readFile(join(root, 'audit.csv'), 'utf8'));
  assert.deepEqual(
    rows.slice(1).map((r) => r[1]),
    ['unlocked', 'recovery key confirmed', 'vault created'],
    'newest first',
  );
  const html = await run(['audit', '--html', join(root, 'audit.html')], env);
  assert.equal(html.code, 0, html.stderr);
  assert.match(await readFile(join(root, 'audit.html'), 'utf8'), /The audit trail is intact: \d+ entries\./);

  const reviewed = await run(['audit', '--reviewed'], { CASEVAULT_HOME: env.CASEVAULT_HOME });
  assert.equal(reviewed.code, 0, reviewed.stderr);
  assert.match(reviewed.stdout, /^Access review recorded\. The next one is due in 6 months\./);
  const listed = JSON.parse((await run(['audit', '--json'], env)).stdout) as { event: string }[];
  assert.ok(listed.some((e) => e.event === 'access reviewed'));

  await writeFile(join(root, 'mine.csv'), 'keep me');
  const refused = await run(['audit', '--csv', join(root, 'mine.csv')], env);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /already exists/);
  assert.equal(await readFile(join(root, 'mine.csv'), 'utf8'), 'keep me');
});
