// Reading what may be absent without mistaking a failure for absence: a
// file that is not there is `undefined` (or false), but a file that is there
// and cannot be read (permissions, a failing disk) is an error, so an
// unreadable audit trail never reads as an empty one.
import { lstat, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** The file system's "there is nothing at that path" (ENOTDIR: a part of the path is a file). */
export function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function readIfExists(path: string): Promise<Buffer | undefined>;
export function readIfExists(path: string, encoding: 'utf8'): Promise<string | undefined>;
export async function readIfExists(path: string, encoding?: 'utf8'): Promise<Buffer | string | undefined> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Like statIfExists, without following a link at `path`. */
export async function lstatIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function exists(path: string): Promise<boolean> {
  return (await lstatIfExists(path)) !== undefined;
}

/** JSON of a small record file of Casevault's own; absent or damaged is undefined (each caller says why that is safe). */
export function parseOr<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
