// The remote trash: a deleted file's object is moved to
// trash/<UTC time>-<object id> and purged after the trash period (default
// 30 days), so a deletion, a mistaken one included, can be undone meanwhile.
import type { Remote } from '../remotes/remote.js';

const NAME = /^trash\/(\d{8}T\d{6}Z)-([0-9a-f]{64})$/;

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function parseStamp(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

export function trashName(idHex: string, when: Date | string): string {
  return `trash/${typeof when === 'string' ? when : stamp(when)}-${idHex}`;
}

/** A trashed object's time stamp and object ID, from its name (undefined for a name that is not one). */
export function parseTrashName(name: string): { stamp: string; idHex: string } | undefined {
  const m = NAME.exec(name);
  return m ? { stamp: m[1]!, idHex: m[2]! } : undefined;
}

export async function purgeTrash(remote: Remote, days: number, now: Date): Promise<number> {
  let purged = 0;
  for await (const e of remote.list('trash/')) {
    const t = parseTrashName(e.name);
    if (!t) continue;
    if (now.getTime() - parseStamp(t.stamp) > days * 86_400_000) {
      await remote.delete(e.name);
      purged++;
    }
  }
  return purged;
}
