// Names the cloud or the backup folder chose, made safe to print. Whoever
// writes to those folders picks the names there (a planted
// `objects/1c/odd\nname`), so a name printed as it is could add a fake line
// to a report ("Bad: ..." that is not), move the cursor or recolour the
// terminal. Every control or invisible formatting character, and the
// backslash that starts an escape, is written as an escape instead:
// a genuine name (ASCII letters, digits, `.`, `_`, `-`, `/`) is unchanged.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\]/gu;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/** `name` with every control, formatting or line-separating character escaped (`\n`, `\x1b`, `\u{202e}`). */
export function printable(name: string): string {
  return name.replace(UNSAFE, (c) => {
    const cp = c.codePointAt(0)!;
    return SHORT[c] ?? (cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`);
  });
}
