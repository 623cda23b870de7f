// Two computers, one cloud vault. Each computer leaves a device record in
// the cloud (devices/<id>); when there is more than one, a sync checks, before
// replacing a file's object, that the object is still the one this computer
// last wrote (each write has a unique tag: the header's ephemeral key and
// nonce). If another computer replaced it since, nothing is overwritten: this
// computer's version is uploaded as a "conflicted copy" beside it, and the
// conflict is reported. Only an authentic record counts (engine/devices/
// this-device.ts countDevices): a file planted under devices/ by someone
// without the auth key (the cloud) cannot make this computer divert its own
// edits into conflicted copies.
import { hostname } from 'node:os';
import { concat, toHex } from '../../crypto/index.js';
import type { Remote } from '../remotes/remote.js';

/** Bytes of an object's header that are unique to one write: ephemeral public key and wrap nonce. */
const TAG_START = 5;
const TAG_END = 61;

export function deviceName(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9-]/g, '')
      .slice(0, 24) || 'another computer'
  );
}

export function tagOf(objectStart: Uint8Array): string {
  return toHex(objectStart.subarray(TAG_START, TAG_END));
}

/** The tag of the object stored under `name`, or undefined if there is none. */
export async function remoteTag(remote: Remote, name: string): Promise<string | undefined> {
  if (!(await remote.stat(name))) return undefined;
  const it = remote.get(name)[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  try {
    while (head.length < TAG_END) {
      const r = await it.next();
      if (r.done) break;
      head = concat(head, r.value);
    }
  } finally {
    await it.return?.();
  }
  return head.length >= TAG_END ? tagOf(head) : undefined;
}

/** Passes pieces through, handing the first one to `first` (to read the tag of what is being written). */
export async function* tapFirst(source: AsyncIterable<Uint8Array>, first: (piece: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  let seen = false;
  for await (const piece of source) {
    if (!seen) {
      first(piece);
      seen = true;
    }
    yield piece;
  }
}

/** "notes (conflicted copy 2026-11-24 0302 laptop).docx", beside the original. */
export function conflictPath(path: string, device: string, when: Date): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const stamp = when.toISOString().slice(0, 16).replace('T', ' ').replace(':', '');
  return `${dir}${base} (conflicted copy ${stamp} ${device})${ext}`;
}
