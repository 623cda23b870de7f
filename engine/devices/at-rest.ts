// Whether the operating system encrypts the vault folder at rest, as far as
// Casevault can tell (for the breach report). On Linux: the file system the
// folder is on, from /proc/self/mountinfo, and whether its block device is,
// or sits on, a dm-crypt mapping (/sys/dev/block/<dev>/dm/uuid "CRYPT-...").
// Anywhere else, or when it cannot tell, it says "unknown": never a guess.
import { readdir, readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

export const UNKNOWN = 'unknown';

/** The mount holding `dir`: the longest mount point that is `dir` or above it. */
function mountOf(mountinfo: string, dir: string): { dev: string; fsType: string } | undefined {
  let best: { point: string; dev: string; fsType: string } | undefined;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    const f = left?.split(' ');
    const r = right?.split(' ');
    if (!f || f.length < 5 || !r || r.length < 1) continue;
    const point = f[4]!.replace(/\\040/g, ' ');
    const under = point === '/' || dir === point || dir.startsWith(point + sep);
    if (under && (!best || point.length >= best.point.length)) best = { point, dev: f[2]!, fsType: r[0]! };
  }
  return best;
}

/** Whether the block device `dev` (major:minor) is dm-crypt or sits on it (LVM on LUKS), a few levels down. */
async function onDmCrypt(dev: string, depth = 0): Promise<boolean> {
  if (depth > 4) return false;
  const base = `/sys/dev/block/${dev}`;
  const uuid = await readFile(`${base}/dm/uuid`, 'utf8').catch(() => '');
  if (uuid.startsWith('CRYPT-')) return true;
  for (const s of await readdir(`${base}/slaves`).catch(() => [] as string[])) {
    const inner = await readFile(`/sys/class/block/${s}/dev`, 'utf8').catch(() => '');
    if (inner && (await onDmCrypt(inner.trim(), depth + 1))) return true;
  }
  return false;
}

export async function atRestEncryption(vaultDir: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  if (platform !== 'linux') return UNKNOWN;
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const m = mountOf(mountinfo, resolve(vaultDir));
  if (!m) return UNKNOWN;
  if (await onDmCrypt(m.dev)) return 'yes (dm-crypt)';
  return UNKNOWN;
}
