// Subject access search: every file of the vault whose path or text mentions
// one of the terms (a member's name, reference number, e-mail address).
// Files that cannot be read are listed with the reason and the search
// carries on: the officer checks those by hand.
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { folderPath, scanVault } from '../mirror/scan.js';
import { kindOf } from './kinds.js';
import { DEFAULT_TIMEOUT_MS, Extractor } from './extractor.js';
import { fold, foldName, snippet } from './fold.js';
import { othersDataReason } from './others.js';
import { type SarSearchReport, type Emit } from '../../contract/index.js';

export interface SearchLimits {
  /** Larger files are searched by name only (default 100 MiB). */
  maxBytes?: number;
  /** Time allowed to read one file (default 30 s). */
  timeoutMs?: number;
}

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
const MAX_TERMS = 50;
const PROGRESS_EVERY_MS = 200;

/** The terms, checked and folded: at least one, none so short that it matches nearly everything. */
export function searchTerms(terms: string[]): { typed: string; folded: string }[] {
  const out = terms.map((typed) => ({ typed: typed.trim(), folded: fold(typed).trim() }));
  if (out.length === 0 || out.length > MAX_TERMS)
    throw new UsageError(`give between 1 and ${MAX_TERMS} search terms: the member's name, reference number or e-mail address`);
  if (out.some((t) => [...t.folded].length < 2)) throw new UsageError('each search term needs at least two letters or digits');
  return out;
}

export async function searchVault(vaultDir: string, terms: string[], limits: SearchLimits = {}, emit?: Emit): Promise<SarSearchReport> {
  const wanted = searchTerms(terms);
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const scan = await scanVault(vaultDir);
  const files = [...scan.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const report: SarSearchReport = { hits: [], unreadable: [], searched: files.length };
  for (const rel of scan.unreadable) report.unreadable.push({ path: rel || '.', reason: 'the folder could not be read' });
  for (const path of scan.badNames) report.unreadable.push({ path, reason: 'its name is not valid text (rename it to search it)' });
  for (const rel of scan.badFolders)
    report.unreadable.push({ path: folderPath(rel), reason: 'its name is not valid text (rename it to search what is in it)' });
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let bytesDone = 0;
  let lastProgress = 0;
  const progress = (filesDone: number, force = false) => {
    if (!emit || (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS)) return;
    lastProgress = Date.now();
    emit('progress', { task: 'search', filesDone, filesTotal: files.length, bytesDone, bytesTotal });
  };
  const extractor = new Extractor(limits.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    for (const [i, f] of files.entries()) {
      progress(i);
      const names = foldName(f.path);
      const inName = wanted.filter((t) => names.some((n) => n.includes(t.folded)));
      let inText: typeof wanted = [];
      let around: string | undefined;
      let text: string | undefined;
      const kind = kindOf(f.path);
      if (kind && f.size > maxBytes) {
        report.unreadable.push({ path: f.path, reason: `it is larger than ${Math.round(maxBytes / 1048576)} MiB, so only its name was searched` });
      } else if (kind) {
        const r = await extractor.read(join(vaultDir, ...f.path.split('/')), kind);
        if ('reason' in r) report.unreadable.push({ path: f.path, reason: r.reason });
        else {
          text = r.text;
          const folded = fold(r.text);
          const found = wanted.map((t) => ({ t, at: folded.indexOf(t.folded) })).filter((x) => x.at >= 0);
          inText = found.map((x) => x.t);
          const first = found.sort((a, b) => a.at - b.at)[0];
          if (first) around = snippet(r.text, first.at, first.t.folded.length);
        }
      }
      bytesDone += f.size;
      if (inName.length === 0 && inText.length === 0) continue;
      const others = othersDataReason(
        f.path,
        text,
        wanted.map((t) => t.folded),
      );
      report.hits.push({
        path: f.path,
        size: f.size,
        mtime: new Date(f.mtimeMs).toISOString(),
        terms: wanted.filter((t) => inName.includes(t) || inText.includes(t)).map((t) => t.typed),
        where: [...(inName.length ? ['name' as const] : []), ...(inText.length ? ['content' as const] : [])],
        ...(around !== undefined ? { snippet: around } : {}),
        ...(others ? { mayHoldOthers: others } : {}),
      });
    }
    progress(files.length, true);
  } finally {
    await extractor.close();
  }
  return report;
}
