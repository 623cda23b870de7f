// Where a subject access export goes unless the officer says otherwise: the
// person's Documents folder (else the Desktop, else the home folder), named
// after the request's reference and the day, "SAR-2026-014 (5 Dec 2026).zip",
// never "SAR-SAR-...", and never a name that is already taken.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileNameDay } from '../../contract/index.js';
import { exists, statIfExists } from '../fsutil/read.js';

/** Characters no file system takes in a name, and control characters. */
const UNSAFE = /[/\\:*?"<>|\p{Cc}]+/gu;

/** "SAR-2026-014" stays; "2026-014" becomes "SAR 2026-014"; none: "Subject access request". */
export function requestName(reference: string | undefined): string {
  const ref = (reference ?? '').replace(UNSAFE, '-').trim().replace(/^\.+/, '');
  if (!ref) return 'Subject access request';
  return /^(SAR|subject access)\b/i.test(ref) ? ref : `SAR ${ref}`;
}

async function firstFolder(candidates: string[]): Promise<string> {
  for (const dir of candidates) if ((await statIfExists(dir))?.isDirectory()) return dir;
  return candidates.at(-1)!;
}

export async function defaultDestination(o: { reference?: string; zip: boolean; locale: string; now?: Date; home?: string }): Promise<string> {
  const home = o.home ?? homedir();
  const folder = await firstFolder([join(home, 'Documents'), join(home, 'Desktop'), home]);
  const base = `${requestName(o.reference)} (${fileNameDay(o.now ?? new Date(), o.locale)})`;
  const ext = o.zip ? '.zip' : '';
  for (let n = 1; ; n++) {
    const candidate = join(folder, `${base}${n === 1 ? '' : ` ${n}`}${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
}
