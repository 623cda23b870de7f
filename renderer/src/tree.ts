// A snapshot's flat file list as folders, and what a person has ticked in it.
// The chosen set holds files and folders; a ticked folder covers all it holds.
export interface TreeFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface Folder {
  name: string;
  /** '' for the top of the backup. */
  path: string;
  folders: Folder[];
  files: TreeFile[];
  /** Files and bytes in it, all the way down. */
  count: number;
  bytes: number;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function buildTree(files: readonly TreeFile[]): Folder {
  const root: Folder = { name: '', path: '', folders: [], files: [], count: 0, bytes: 0 };
  const byPath = new Map<string, Folder>([['', root]]);
  const folderOf = (path: string): Folder => {
    const known = byPath.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parent = folderOf(cut < 0 ? '' : path.slice(0, cut));
    const f: Folder = { name: baseName(path), path, folders: [], files: [], count: 0, bytes: 0 };
    parent.folders.push(f);
    byPath.set(path, f);
    return f;
  };
  for (const file of files) {
    const cut = file.path.lastIndexOf('/');
    const dir = cut < 0 ? '' : file.path.slice(0, cut);
    folderOf(dir).files.push(file);
    for (let d: string | undefined = dir; d !== undefined; d = d === '' ? undefined : d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') {
      const f = byPath.get(d)!;
      f.count++;
      f.bytes += file.size;
    }
  }
  const sort = (f: Folder) => {
    f.folders.sort((a, b) => a.name.localeCompare(b.name));
    f.files.sort((a, b) => a.path.localeCompare(b.path));
    f.folders.forEach(sort);
  };
  sort(root);
  return root;
}

/** A folder above `path` is ticked, so `path` is restored with it. */
export function coveredByFolder(chosen: ReadonlySet<string>, path: string): boolean {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) if (chosen.has(path.slice(0, i))) return true;
  return false;
}

/** Tick or untick a file or folder; ticking a folder drops the ticks inside it (the folder covers them). */
export function toggle(chosen: ReadonlySet<string>, path: string): Set<string> {
  const next = new Set(chosen);
  if (next.has(path)) {
    next.delete(path);
    return next;
  }
  for (const p of next) if (p.startsWith(`${path}/`)) next.delete(p);
  next.add(path);
  return next;
}

/** Files and folders whose name holds the words searched for (any case), folders first, at most `limit`. */
export function searchTree(root: Folder, query: string, limit = 200): { path: string; folder: boolean; size: number }[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const folders: { path: string; folder: boolean; size: number }[] = [];
  const files: { path: string; folder: boolean; size: number }[] = [];
  const walk = (f: Folder) => {
    for (const sub of f.folders) {
      if (sub.name.toLowerCase().includes(q)) folders.push({ path: sub.path, folder: true, size: sub.bytes });
      walk(sub);
    }
    for (const file of f.files) if (baseName(file.path).toLowerCase().includes(q)) files.push({ path: file.path, folder: false, size: file.size });
  };
  walk(root);
  return [...folders, ...files].slice(0, limit);
}
