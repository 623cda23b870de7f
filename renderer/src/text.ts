// Messages from the engine, shown as sentences.
/** "the passphrase is wrong" -> "The passphrase is wrong." */
export function sentence(message: string): string {
  const m = message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

export { byteSize as size } from '../../contract/words.js';

/** "Tuesday 1 December 2026 at 07:02" in the person's own language and time zone. */
export function when(iso: string | number): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
}

/** "1 Dec 2026, 07:02": for tables. */
export function shortWhen(iso: string | number): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "1 file", "3 files". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
