// Messages from the engine, shown as sentences.
/** "the passphrase is wrong" -> "The passphrase is wrong." */
export function sentence(message: string): string {
  const m = message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}
