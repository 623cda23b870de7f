// The breach report for the data-protection lead (docs/devices.md): what was
// on a computer at its last sync (cases, file counts, the newest change,
// whether the OS encrypted its vault folder, as far as it could tell), when
// the keys were rotated and the wipe ordered and carried out, and that
// computer's audit entries that reached the cloud. Case names appear only in
// what is returned to the person; the audit trail records that a report was
// made, with counts only.
import { keyring } from '../../crypto/index.js';
import { count, fileCount, recordNotes, type BreachCase, type BreachReport } from '../../contract/index.js';
import { openTrail, readAudit, TRAIL_MAX, TRAIL_TOO_LARGE } from '../audit/trail.js';
import { Refused } from '../errors.js';
import { RemoteTooLarge } from '../remotes/remote.js';
import { listDevices, pick, type ListDeps } from './list.js';
import type { DeviceRecord } from './records.js';

/**
 * The cases of every record given (the one kept here and the cloud's), by
 * name: the larger file count and the newer change. A rolled-back, deleted
 * or rewritten record never makes the report list fewer.
 */
function joinCases(records: readonly DeviceRecord[]): { cases: BreachCase[]; cut: boolean } {
  const by = new Map<string, BreachCase>();
  for (const r of records)
    for (const c of r.cases) {
      const had = by.get(c.name);
      const newest = !had ? c.newest : had.newest && (!c.newest || had.newest > c.newest) ? had.newest : c.newest;
      by.set(c.name, { name: c.name, files: Math.max(had?.files ?? 0, c.files), newest });
    }
  const cases = [...by.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { cases, cut: records.some((r) => r.casesCut ?? false) };
}

export async function breachReport(d: ListDeps, ref: string): Promise<BreachReport> {
  const target = pick(await listDevices(d), ref);
  const rec = target.listed?.record;
  if (!rec) throw new Refused('there is no record in the cloud of what was on that computer: it has not synced since device records were added');
  const ring = keyring(d.keys);
  const name = `audit/${target.info.id}.log`;
  const st = await d.remote.stat(name).catch(() => undefined);
  let audit: BreachReport['audit'] = [];
  let auditProblem: string | null = null;
  if (!st) auditProblem = 'none of its audit entries reached the cloud';
  else if (st.size !== undefined && st.size > TRAIL_MAX) auditProblem = `its audit trail in the cloud is ${TRAIL_TOO_LARGE}`;
  else {
    const bytes = await d.remote.read(name, TRAIL_MAX).catch((e: unknown) => (e instanceof RemoteTooLarge ? undefined : Promise.reject(e))); // grown since the stat
    const trail = bytes ? await openTrail(target.info.id, new TextDecoder().decode(bytes), ring) : undefined;
    audit = trail?.entries ?? [];
    if (!trail) auditProblem = `its audit trail in the cloud is ${TRAIL_TOO_LARGE}`;
    else if (!trail.ok) auditProblem = `its audit trail in the cloud failed its check: ${trail.problem ?? 'damaged'}`;
  }
  const rotations = (await readAudit(d.home, d.keys)).filter((e) => e.event === 'vault keys rotated');
  const order = target.order?.body;
  const lostAt = order && order.action !== 'found' ? order.at : null;
  const joined = joinCases([rec, ...[target.kept, target.cloud].filter((r): r is DeviceRecord => !!r && r !== rec)]);
  const newest = joined.cases.reduce<string | null>((n, c) => (c.newest && (!n || c.newest > n) ? c.newest : n), null);
  const report: BreachReport = {
    device: { id: rec.id, name: rec.name, version: rec.version, firstSeen: rec.firstSeen, lastSeen: rec.lastSeen, lastSync: rec.lastSync },
    cases: joined.cases.map((c) => c.name),
    caseDetails: joined.cases,
    casesCut: joined.cut,
    files: joined.cases.reduce((n, c) => n + c.files, 0),
    newestChange: newest,
    encryptedAtRest: rec.atRest,
    status: target.info.status,
    keysRotatedAt: rotations.at(-1)?.at ?? null,
    markedLostAt: lostAt,
    wipeOrderedAt: order?.action === 'wipe' ? order.at : null,
    wipedAt: target.info.wipedAt,
    audit,
    auditProblem,
    madeAt: new Date().toISOString(),
    recordGone: target.info.recordGone,
    recordRolledBack: target.info.recordRolledBack,
    oldKeysRecord: target.info.oldKeysRecord,
    recordNotes: recordNotes(target.info),
  };
  await d.record('breach report made', `for the computer ${rec.name} (device ${rec.id}): ${count(report.cases.length, 'case')}, ${fileCount(report.files)}`);
  return report;
}
