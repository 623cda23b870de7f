// Counts in plain words, for messages, reports and the audit trail.

/** "1 file", "3 files". */
export function fileCount(n: number): string {
  return count(n, 'file');
}

/** "1 folder and 2 files", "2 folders", "3 files": what could not be synced or backed up. */
export function foldersAndFiles(folders: number, files: number): string {
  if (folders === 0) return fileCount(files);
  const f = count(folders, 'folder');
  return files === 0 ? f : `${f} and ${fileCount(files)}`;
}

/** 1536 -> "1.5 KB": sizes as people read them (the app, the command, the recipient's page of a sent package). */
export function byteSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} ${n === 1 ? 'byte' : 'bytes'}` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}

/** "a", "a and b", "a, b and c": items named in a sentence. */
export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/** "1 chunk", "3 chunks": a number and its noun. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
