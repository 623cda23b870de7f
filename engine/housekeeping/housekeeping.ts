// Housekeeping: the retention period, closing and reopening cases, and
// archiving or deleting cases past retention (docs/housekeeping.md). The
// Engine's methods delegate here. Nothing is removed without `confirm`, a
// case not yet due is refused unless `force` (which the audit trail
// records), and an archive is read back in full before any plaintext goes.
import type { ReadKeys } from '../../crypto/index.js';
import { BackupApi } from '../backup/service.js';
import { forgetCachedFiles, loadBackupState } from '../backup/local.js';
import { configWriteKeys, loadConfig, type VaultConfig } from '../config.js';
import { Locked, Refused, Unreachable, UsageError } from '../errors.js';
import type { Remote } from '../remotes/remote.js';
import { scanVault } from '../mirror/scan.js';
import { backupSchedule, loadSettings } from '../settings.js';
import { caseName, inCase, listCases, pickCases, type CaseFiles, DUE_SOON_DAYS } from './cases.js';
import { dateOf, parseDate } from './dates.js';
import { lastCopyExpires } from './expiry.js';
import { closedDate, defaultMarks, hasMarks, loadMarks, MAX_YEARS, saveMarks, setClosed, type Marks } from './marks.js';
import { fetchMirror, mirrorHeld, putMirror } from './mirror.js';
import { holdersOf, keepDeletedElsewhere } from './held-elsewhere.js';
import { deleteArchives, listArchives, type ArchiveDeps } from './archive-list.js';
import { removeCase } from './remove-case-files.js';
import { VaultBusy } from '../fsutil/lockfile.js';
import { loadUnderWay, saveUnderWay, unfinishedCases, type UnderWay } from './under-way.js';
import {
  type RetentionReport,
  type CaseRequest,
  type ArchiveOutcome,
  type CopyFate,
  type DeleteReport,
  fileCount,
  type ArchiveDeleteRequest,
  type ArchiveDeletion,
  type ArchiveEntry,
  type CalendarDate,
  type CaseInfo,
  type SyncReport,
} from '../../contract/index.js';

export type { CaseInfo, CalendarDate, ArchiveEntry, ArchiveDeleteRequest, ArchiveDeletion };

const DAY_MS = 86_400_000;
const MARKS_IN_CLOUD =
  "this computer has no housekeeping marks (closing days, retention period) but the cloud holds the vault's sealed copy; unlock the vault to bring it back";
const MARKS_UNREACHABLE =
  "this computer has no housekeeping marks, and the cloud, which may hold the vault's sealed copy of them, cannot be reached, so nothing was changed; try again when it can";

export interface HousekeepingDeps {
  home: string;
  record(event: string, detail?: string): Promise<void>;
  backups(): BackupApi;
  sync(): Promise<SyncReport>;
  remote(config: VaultConfig): Promise<Remote>;
  /** The reading keys while the vault is unlocked. */
  readKeys(): ReadKeys | undefined;
}

export class Housekeeping {
  constructor(private readonly d: HousekeepingDeps) {}

  /**
   * The marks. A home without them (a recovered vault, or its file lost or
   * moved aside) takes the cloud's sealed copy, which needs the vault
   * unlocked: while locked, a cloud that holds one is Locked (the command
   * line unlocks and asks again), never the defaults; and a `change` is
   * refused while the cloud cannot be asked. So a change never mirrors a
   * fresh, low-counter copy over the cloud's (docs/housekeeping.md).
   */
  private async marks(config: VaultConfig, change = false): Promise<Marks> {
    if (await hasMarks(this.d.home)) return loadMarks(this.d.home);
    const keys = this.d.readKeys();
    try {
      const remote = await this.d.remote(config);
      if (keys) {
        const mirrored = await fetchMirror(remote, keys);
        if (mirrored) {
          await saveMarks(this.d.home, mirrored);
          return mirrored;
        }
      } else if (await mirrorHeld(remote, configWriteKeys(config))) throw new Locked(MARKS_IN_CLOUD);
    } catch (e) {
      if (e instanceof Locked) throw e;
      if (change) throw new Unreachable(MARKS_UNREACHABLE);
      // the cloud out of reach: the defaults are listed until it is back
    }
    return defaultMarks();
  }

  private async save(config: VaultConfig, marks: Marks): Promise<void> {
    marks.counter = (marks.counter ?? 0) + 1; // a later change outranks every earlier copy, whatever the computers' clocks say
    await saveMarks(this.d.home, marks);
    try {
      await putMirror(await this.d.remote(config), configWriteKeys(config), config.deviceId, marks);
    } catch {
      // the cloud is unreachable: mirrored at the next change
    }
  }

  /** `change`: the marks are to be changed (see marks). */
  private async cases(change = false): Promise<{ config: VaultConfig; marks: Marks; today: CalendarDate; all: CaseFiles[] }> {
    const config = await loadConfig(this.d.home);
    const marks = await this.marks(config, change);
    const scan = await scanVault(config.vaultDir);
    if (scan.unreadable.includes('')) throw new Refused('the vault folder cannot be read; check that it exists and that Casevault may read it');
    const today = dateOf(Date.now());
    return { config, marks, today, all: listCases(scan, marks, today) };
  }

  async list(): Promise<RetentionReport> {
    const [{ marks, today, all }, unfinished] = await Promise.all([this.cases(), unfinishedCases(this.d.home)]);
    return { years: marks.years, today, dueSoonDays: DUE_SOON_DAYS, cases: all.map((c) => c.info), unfinished };
  }

  async setYears(years: number): Promise<{ years: number }> {
    if (!Number.isInteger(years) || years < 1 || years > MAX_YEARS)
      throw new UsageError(`the retention period is a whole number of years from 1 to ${MAX_YEARS}`);
    const config = await loadConfig(this.d.home);
    const marks = await this.marks(config, true);
    const before = marks.years;
    marks.years = years;
    await this.save(config, marks);
    await this.d.record('retention period changed', `from ${before} to ${years} years`);
    return { years };
  }

  /** Mark a case closed on `date` (YYYY-MM-DD; today by default; not in the future). */
  async close(name: string, date?: string): Promise<CaseInfo> {
    const { config, marks, today, all } = await this.cases(true);
    const day = date === undefined ? today : parseDate(date);
    if (!day) throw new UsageError('the date must be a real day written YYYY-MM-DD, e.g. 2024-03-31');
    if (day > today) throw new UsageError('a case cannot be closed on a day in the future; give today or an earlier day');
    const [c] = pickCases(all, [name]);
    setClosed(marks, c!.info.name, day);
    await this.save(config, marks);
    await this.d.record('case marked closed', `${c!.info.name} on ${day}`);
    return this.info(c!.info.name);
  }

  async reopen(name: string): Promise<CaseInfo> {
    const { config, marks, all } = await this.cases(true);
    const [c] = pickCases(all, [name]);
    setClosed(marks, c!.info.name, undefined);
    await this.save(config, marks);
    await this.d.record('case reopened', c!.info.name);
    return this.info(c!.info.name);
  }

  private async info(name: string): Promise<CaseInfo> {
    return (await this.list()).cases.find((c) => c.name === name)!;
  }

  /**
   * The named cases, once the request is confirmed and each is due (or
   * forced); a name in `unfinished` that is no longer a case (its files all
   * went before a kill) is returned apart, as `resumed`, to be finished.
   */
  private async chosen(r: CaseRequest, verb: 'archived' | 'deleted', unfinished: ReadonlyMap<string, unknown>) {
    if (r.confirm !== true) throw new UsageError(`nothing was ${verb}: it must be confirmed`, 'confirm');
    const got = await this.cases(verb === 'archived'); // a deletion changes the marks only if the case has one (delete): it goes ahead offline
    const present = new Set(got.all.map((c) => c.info.name));
    const resumed = [...new Set(r.cases.map(caseName))].filter((n) => unfinished.has(n) && !present.has(n));
    const rest = r.cases.filter((n) => !resumed.includes(caseName(n))); // pickCases drops the trailing "/" itself
    const picked = resumed.length > 0 && rest.length === 0 ? [] : pickCases(got.all, rest);
    if (!r.force && picked.some((c) => !c.info.past)) {
      throw new Refused(`nothing was ${verb}: ${picked.length > 1 ? 'a case named is' : 'that case is'} not past its retention date yet`, 'confirm-early');
    }
    return { ...got, picked, resumed };
  }

  /**
   * Archive each case into the backup folder, read the archive back and
   * compare it with the vault, and only then remove its plaintext; then a
   * sync pass moves its cloud objects to the cloud trash. One case at a
   * time: a failure stops there, and the cases before it are done. Needs
   * the vault unlocked.
   */
  async archive(r: CaseRequest): Promise<ArchiveOutcome[]> {
    const archiving = await loadUnderWay(this.d.home, 'archiving');
    const backups = this.d.backups();
    if (archiving.size > 0 && r.confirm === true) {
      // An archive deleted since (or unreadable) holds nothing: its case is archived afresh, never its files removed on its word.
      const whole = new Set((await backups.archives()).filter((a) => a.state === 'snapshot').map((a) => a.id));
      for (const [name, u] of archiving) if (!whole.has(u.archive!.snapshot)) archiving.delete(name);
      await saveUnderWay(this.d.home, 'archiving', archiving);
    }
    const { config, picked, resumed } = await this.chosen(r, 'archived', archiving);
    const out: ArchiveOutcome[] = [];
    for (const c of picked) {
      if (archiving.has(c.info.name)) continue; // a killed run archived it already: finished with that archive below, never archived twice
      const name = c.info.name;
      const a = await backups.archive({ include: (p) => inCase(name, p), expected: new Set(c.paths) });
      archiving.set(name, { case: name, forced: !c.info.past, archive: { snapshot: a.snapshot, bytes: a.bytes, files: a.files } });
      await saveUnderWay(this.d.home, 'archiving', archiving); // before the first file goes
      out.push(await this.removeArchived(config, archiving, name, false));
    }
    for (const name of [...picked.map((c) => c.info.name).filter((n) => !out.some((o) => o.case === n)), ...resumed])
      out.push(await this.removeArchived(config, archiving, name, true));
    // The cloud's copies go to its trash now, as for a deletion (the archive is the copy kept).
    await this.d.sync().catch(() => {}); // the cloud out of reach: the next sync moves them, as it would any deletion
    return out;
  }

  /**
   * Delete each case's plaintext, then run a sync pass so the cloud objects
   * go to the cloud trash, and say when each copy will be gone.
   */
  async delete(r: CaseRequest): Promise<DeleteReport> {
    const deleting = await loadUnderWay(this.d.home, 'deleting');
    const { config, picked, resumed } = await this.chosen(r, 'deleted', deleting);
    const removedAt = Date.now();
    const done: { name: string; files: number; paths: string[]; removed: Awaited<ReturnType<typeof removeCase>>; forced: boolean }[] = [];
    // A case a killed run began keeps that run's "forced": what it had when its files started to go.
    const todo = [
      ...picked.map((c) => ({
        name: c.info.name,
        files: c.info.files,
        paths: c.paths,
        forced: deleting.get(c.info.name)?.forced ?? !c.info.past,
        before: deleting.has(c.info.name),
      })),
      ...resumed.map((name) => ({ name, files: 0, paths: [] as string[], forced: deleting.get(name)!.forced, before: true })),
    ];
    for (const { name, forced } of todo) deleting.set(name, { case: name, forced });
    await saveUnderWay(this.d.home, 'deleting', deleting); // before the first file goes
    for (const { name, files, paths, forced, before } of todo) {
      const removed = await removeCase(
        config.vaultDir,
        name,
        paths.map((path) => ({ path })),
      );
      await forgetCachedFiles(this.d.home, (p) => inCase(name, p)); // its names and chunk IDs leave the home now, not at the next backup
      const marks = await loadMarks(this.d.home);
      if (closedDate(marks, name) !== undefined) {
        // Only when there is a mark to drop: a home without marks (the cloud out of reach) starts none here.
        setClosed(marks, name, undefined);
        await this.save(config, marks);
      }
      await this.d.record(
        'case deleted',
        `${name}: ${fileCount(removed.removed)} removed from this computer${before ? ' (finishing a deletion that was interrupted)' : ''}${forced ? ' (before its retention date: forced)' : ''}`,
      );
      deleting.delete(name);
      await saveUnderWay(this.d.home, 'deleting', deleting);
      done.push({ name, files, paths, removed, forced });
    }
    // The lock held by a running sync (watch, or the app) is not the cloud out of reach: that sync moves the files at its next pass.
    const outcome = await this.d.sync().then(
      () => 'synced' as const,
      (e: unknown) => (e instanceof VaultBusy ? ('busy' as const) : ('unreachable' as const)),
    );
    const synced = outcome === 'synced';
    const backupFate = await this.backupFates(config, removedAt);
    const marks = await loadMarks(this.d.home);
    const elsewhere = await this.heldElsewhere(config, done, synced ? new Date(removedAt + config.trashDays * DAY_MS) : undefined);
    return {
      synced,
      cases: done.map(({ name, files, removed, forced }) => ({
        case: name,
        files,
        removed: removed.removed,
        leftovers: removed.leftovers,
        forced,
        heldElsewhere: elsewhere.get(name)?.holders.map((h) => h.name) ?? [],
        othersUnknown: elsewhere.get(name)?.unknown ?? 0,
        copies: [
          {
            copy: 'this computer',
            gone: 'now',
            estimate: false,
            note: removed.leftovers ? 'removed, except items Casevault does not handle (links, unreadable names) still in its folder' : 'removed',
          },
          synced && (elsewhere.get(name)?.holders.length ?? 0) > 0
            ? {
                copy: 'cloud',
                gone: 'unknown',
                estimate: false,
                note: `moved to the cloud trash now, but another computer of the vault still holds it and its next sync uploads it again (below)`,
              }
            : synced
              ? {
                  copy: 'cloud',
                  gone: dateOf(removedAt + config.trashDays * DAY_MS),
                  estimate: false,
                  note: `moved to the cloud trash now; purged ${config.trashDays} days later, at the first sync from that day${(elsewhere.get(name)?.unknown ?? 0) > 0 ? ', unless another computer that still holds it uploads it again (below)' : ''}`,
                }
              : outcome === 'busy'
                ? {
                    copy: 'cloud',
                    gone: 'unknown',
                    estimate: false,
                    note: `the running sync (a watch, or the Casevault app) moves it to the cloud trash at its next pass, and it is purged ${config.trashDays} days after that`,
                  }
                : {
                    copy: 'cloud',
                    gone: 'unknown',
                    estimate: false,
                    note: `the cloud could not be reached: moved to the cloud trash at the next sync, and purged ${config.trashDays} days after it`,
                  },
          backupFate(name, marks),
        ],
      })),
    };
  }

  /** An archived case's files go (those still as archived), then its marks, record and place in `archiving`. */
  private async removeArchived(config: VaultConfig, archiving: Map<string, UnderWay>, name: string, before: boolean): Promise<ArchiveOutcome> {
    const { forced, archive: a } = archiving.get(name)!;
    const removed = await removeCase(config.vaultDir, name, a!.files);
    await forgetCachedFiles(this.d.home, (p) => inCase(name, p)); // the archive keeps them; the home's cache need not
    const marks = await loadMarks(this.d.home);
    setClosed(marks, name, undefined);
    if (!marks.archives.some((m) => m.case === name && m.snapshot === a!.snapshot))
      marks.archives.push({ case: name, snapshot: a!.snapshot, at: new Date().toISOString(), files: a!.files.length });
    await this.save(config, marks);
    await this.d.record(
      'case archived',
      `${name}: ${fileCount(a!.files.length)} into archive ${a!.snapshot}, plaintext removed${before ? ' (finishing an archive that was interrupted)' : ''}${forced ? ' (before its retention date: forced)' : ''}`,
    );
    archiving.delete(name);
    await saveUnderWay(this.d.home, 'archiving', archiving);
    return {
      case: name,
      archive: a!.snapshot,
      files: a!.files.length,
      bytes: a!.bytes,
      removed: removed.removed,
      changed: removed.changed,
      leftovers: removed.leftovers,
      forced,
    };
  }

  /**
   * The other computers that still hold each deleted case (their device
   * records, opened when unlocked), kept for status while it is true. The
   * cloud out of reach: none known.
   */
  private async heldElsewhere(config: VaultConfig, done: readonly { name: string; paths: readonly string[] }[], watchUntil: Date | undefined) {
    const out = new Map<string, Awaited<ReturnType<typeof holdersOf>>>();
    const keys = configWriteKeys(config);
    try {
      const remote = await this.d.remote(config);
      for (const { name, paths } of done) {
        const h = await holdersOf(remote, config.deviceId, keys.authKey, this.d.readKeys(), name);
        // Watched only once this computer's sync moved the objects away: before that, they are in the cloud because of it.
        if (watchUntil) await keepDeletedElsewhere(this.d.home, keys.nameKey, name, paths, h.holders, watchUntil);
        out.set(name, h);
      }
    } catch {
      // not known: the report says nothing about other computers it cannot tell
    }
    return out;
  }

  private async archiveDeps(): Promise<ArchiveDeps> {
    const config = await loadConfig(this.d.home);
    return {
      home: this.d.home,
      backups: this.d.backups(),
      marks: () => this.marks(config),
      save: (m) => this.save(config, m),
      record: (e, detail) => this.d.record(e, detail),
    };
  }

  /** The archives in the backup folder, with the cases this computer recorded in each. No passphrase needed. */
  async archives(): Promise<ArchiveEntry[]> {
    return listArchives(await this.archiveDeps());
  }

  /** Delete archives (confirmed): gone from the backup folder, pruned, recorded. No passphrase needed. */
  async deleteArchives(r: ArchiveDeleteRequest): Promise<ArchiveDeletion[]> {
    return deleteArchives(await this.archiveDeps(), r);
  }

  /** When the backups' copies go: the day the last snapshot holding it can be forgotten (an estimate), or never for an archive. */
  private async backupFates(config: VaultConfig, removedAt: number): Promise<(name: string, marks: Marks) => CopyFate> {
    if (!config.backupDir) return () => ({ copy: 'backups', gone: 'now', estimate: false, note: 'this vault has no backup folder' });
    const snapshots = await this.d
      .backups()
      .snapshots()
      .catch(() => undefined); // the drive away: the estimate falls back to this computer's record
    if (!snapshots && (await loadBackupState(this.d.home)).repoId === undefined) {
      return () => ({ copy: 'backups', gone: 'now', estimate: false, note: 'no backup has been taken yet, so none holds it' });
    }
    if (!snapshots)
      return () => ({
        copy: 'backups',
        gone: 'unknown',
        estimate: true,
        note: 'the backup folder could not be read; its copies go as the snapshots holding them expire under the retention policy',
      });
    const archives = new Set(snapshots.filter((s) => s.archive).map((s) => s.id));
    const settings = await loadSettings(this.d.home);
    // forget applies the policy to this computer's snapshots and, on its own, to every other (engine/backup/forget.ts):
    // this computer's go as its backups go on; the others' only as the computer that took them backs up.
    const own = new Set((await loadBackupState(this.d.home)).snapshots);
    const backups = snapshots.filter((s) => !s.archive);
    const expires = lastCopyExpires(
      backups.filter((s) => own.has(s.id)).map((s) => Date.parse(s.time)),
      removedAt,
      settings.retention,
      backupSchedule(settings).everyMs,
    );
    const othersHold = backups.some((s) => !own.has(s.id) && Date.parse(s.time) <= removedAt);
    return (name, marks) => {
      const archive = marks.archives.find((a) => a.case === name && archives.has(a.snapshot));
      if (archive)
        return { copy: 'backups', gone: 'never', estimate: false, note: `archive ${archive.snapshot} keeps a copy; forget never removes an archive` };
      if (othersHold)
        return {
          copy: 'backups',
          gone: 'unknown',
          estimate: true,
          note: `snapshots in the backup folder that another computer of the vault took (or taken before this computer's records of the folder began, as after a recovery) may hold it: the retention policy lets them go only as that computer's backups go on, which this computer cannot foresee${typeof expires === 'number' ? `; this computer's own snapshots holding it go by about ${dateOf(expires)}` : ''}`,
        };
      if (expires === null) return { copy: 'backups', gone: 'now', estimate: false, note: 'no backup snapshot holds it' };
      if (expires === undefined)
        return { copy: 'backups', gone: 'unknown', estimate: true, note: 'the retention policy keeps a snapshot holding it for more than a hundred years' };
      return {
        copy: 'backups',
        gone: dateOf(expires),
        estimate: true,
        note: 'estimate: the day pruning the backups can remove the last snapshot that may hold it, if backups go on as scheduled under the retention policy in Settings',
      };
    };
  }
}
