// The benchmark's chart: every ratio of one run (Casevault's time over the
// peer's: rclone crypt for sync, restic for backups) as a bar, with the aim
// marked. Bars left of 1.0 are faster than the peer. Writes
// bench/results/latest.svg from latest.json and backup.json.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../contract/index.js';

interface Bar {
  label: string;
  ratio: number;
  aim?: number;
}

const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));

async function readJson<T>(name: string): Promise<T | undefined> {
  return readFile(join(RESULTS, name), 'utf8').then(
    (t) => JSON.parse(t) as T,
    () => undefined,
  );
}

interface SyncRun {
  seconds: number;
}
interface SyncResult {
  workload: string;
  files: number;
  casevault: { first: SyncRun; noChange: SyncRun };
  rclone?: { first: SyncRun; noChange: SyncRun };
  /** The workload's own aims (Casevault's time over rclone crypt's), where bench/run.ts gives them. */
  aims?: { first?: number; noChange?: number };
}
interface BackupResult {
  rows: { what: string; casevault: number; restic: number; aim?: number; mix?: string; backend?: string }[];
}

/** Issue #16's aims against rclone crypt, for results that carry none: one large file, many small files, a no-change sync. */
const SYNC_AIMS = { firstOneFile: 0.35, firstManyFiles: 0.5, noChange: 0.4 } as const;

export function bars(sync: SyncResult[], backup: BackupResult | undefined): Bar[] {
  const out: Bar[] = [];
  for (const r of sync) {
    if (!r.rclone) continue;
    const first = r.aims?.first ?? (r.files > 1 ? SYNC_AIMS.firstManyFiles : SYNC_AIMS.firstOneFile);
    out.push({ label: `${r.workload}: first sync vs rclone crypt`, ratio: r.casevault.first.seconds / r.rclone.first.seconds, aim: first });
    out.push({
      label: `${r.workload}: no-change sync vs rclone crypt`,
      ratio: r.casevault.noChange.seconds / r.rclone.noChange.seconds,
      aim: r.aims?.noChange ?? SYNC_AIMS.noChange,
    });
  }
  for (const row of backup?.rows ?? []) {
    const where = row.mix ? `${row.mix} mix${row.backend ? `, ${row.backend}` : ''}: ` : '';
    out.push({ label: `${where}${row.what} vs restic`, ratio: row.casevault / row.restic, ...(row.aim ? { aim: row.aim } : {}) });
  }
  return out;
}

export function svg(data: Bar[], title: string): string {
  const left = 470;
  const width = 960;
  const rowH = 30;
  const top = 64;
  const max = Math.max(2, ...data.map((b) => Math.ceil(b.ratio * 2) / 2));
  const x = (v: number) => left + (v / max) * (width - left - 30);
  const height = top + data.length * rowH + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">${escapeHtml(title)}</text>`,
    `<line x1="${x(1)}" y1="${top - 8}" x2="${x(1)}" y2="${top + data.length * rowH}" stroke="#555" stroke-dasharray="4 3"/>`,
    `<text x="${x(1) + 4}" y="${top - 12}" fill="#555">1.0 = as fast as the peer</text>`,
  ];
  data.forEach((b, i) => {
    const y = top + i * rowH;
    const colour = b.aim === undefined ? '#8a93a0' : b.ratio <= b.aim ? '#2e7d4f' : '#c07a12';
    parts.push(`<text x="${left - 8}" y="${y + 18}" text-anchor="end">${escapeHtml(b.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 5}" width="${Math.max(1, x(b.ratio) - left)}" height="18" fill="${colour}"/>`);
    parts.push(`<text x="${x(b.ratio) + 5}" y="${y + 18}">${b.ratio.toFixed(2)}×</text>`);
    if (b.aim !== undefined) parts.push(`<line x1="${x(b.aim)}" y1="${y + 2}" x2="${x(b.aim)}" y2="${y + 26}" stroke="#1f5fbf" stroke-width="3"/>`);
  });
  const legendY = top + data.length * rowH + 26;
  parts.push(
    `<line x1="${left}" y1="${legendY - 5}" x2="${left + 18}" y2="${legendY - 5}" stroke="#1f5fbf" stroke-width="3"/><text x="${left + 24}" y="${legendY}">aim</text>`,
  );
  parts.push(`<rect x="${left + 70}" y="${legendY - 12}" width="14" height="12" fill="#2e7d4f"/><text x="${left + 90}" y="${legendY}">meets its aim</text>`);
  parts.push(`<rect x="${left + 200}" y="${legendY - 12}" width="14" height="12" fill="#c07a12"/><text x="${left + 220}" y="${legendY}">misses it</text>`);
  parts.push(`<rect x="${left + 300}" y="${legendY - 12}" width="14" height="12" fill="#8a93a0"/><text x="${left + 320}" y="${legendY}">no aim set</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export async function writeChart(): Promise<void> {
  const sync = await readJson<{ date: string; results: SyncResult[] }>('latest.json');
  const backup = await readJson<BackupResult>('backup.json');
  const data = bars(sync?.results ?? [], backup);
  if (data.length === 0) return;
  await writeFile(join(RESULTS, 'latest.svg'), svg(data, `Casevault's time over the peer's, one run (${sync?.date.slice(0, 10) ?? ''}); shorter is faster`));
}
