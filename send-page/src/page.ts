// The recipient's page: the only code a recipient runs. It reads the
// package from the page itself (docs/send-format.md, "The page"), shows the
// expiry date from the header, opens the package with the passphrase typed
// (the bounds on Argon2 are checked first), lists the files, and saves each
// one through a Blob built from its decrypted pieces, so the page never
// holds a whole file. It fetches nothing (its CSP forbids it) and writes
// every name with textContent, never as HTML.
import sodium from 'libsodium-wrappers-sumo';
import { byteSize, fileCount } from '../../contract/words.js';
import { DamagedData, UnsupportedFormat, WrongSecret } from '../../crypto/errors.js';
import { openPackage, readPackageHeader, type OpenedPackage, type PackageSource } from '../../crypto/send/open.js';

const SAY = {
  wrong: 'That passphrase does not open this package. Check it with the sender.',
  damaged: 'This package is damaged or incomplete: ask the sender to send it again.',
  unsupported: 'This package cannot be opened by this page: ask the sender to send it again.',
  empty: 'Type the passphrase the sender gave you.',
  failed: 'This browser could not open the package (a phone may not have enough memory for it): try again on a computer.',
  opening: 'Opening… this takes a few seconds.',
};

/** The elements that carry the package, in order. */
const PIECE_SELECTOR = 'script[type="application/x-casevault-send"]';
/** Decrypted pieces are handed to the browser as Blobs of about this size, so what is being saved lives in the browser's storage, not the page's memory. */
const BLOB_GROUP = 8 * 1024 * 1024;

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const message = element('message');
const say = (text: string) => {
  message.textContent = text;
};

function sentenceOf(e: unknown): string {
  if (e instanceof WrongSecret) return SAY.wrong;
  if (e instanceof DamagedData) return SAY.damaged;
  if (e instanceof UnsupportedFormat) return SAY.unsupported;
  return SAY.failed;
}

/** Uint8Array.fromBase64, where the browser has it (Chromium 140, Firefox 133, Safari 18.2 and later): native, and strict on request. */
const native = Uint8Array as unknown as { fromBase64?: (s: string, o: { lastChunkHandling: 'strict' }) => Uint8Array };

/** A piece's bytes. Strict: a piece that is not canonical base64 (a changed character in its padding bits included) is damage. */
function decode(text: string): Uint8Array {
  if (native.fromBase64) {
    try {
      return native.fromBase64(text, { lastChunkHandling: 'strict' });
    } catch {
      throw new DamagedData('damaged package (a piece is not canonical base64)');
    }
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new DamagedData('damaged package (a piece is not base64)');
  }
  const tail = binary.length % 3 || 3;
  if (text.length % 4 !== 0 || btoa(binary.slice(-tail)) !== text.slice(-4)) throw new DamagedData('damaged package (a piece is not canonical base64)');
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const pieces = [...document.querySelectorAll(PIECE_SELECTOR)].map((e) => e.textContent ?? '');
const source: PackageSource = function* () {
  for (const text of pieces) yield decode(text);
};
/** The bytes the page holds, from the pieces' lengths alone: checked against what the manifest implies, so a cut-off file is told at once. */
const held = pieces.reduce((n, t) => n + (t.length / 4) * 3 - (t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0), 0);

/** "30 June 2026" for a day number (days since 1970-01-01). */
function longDate(day: number): string {
  return new Date(day * 86_400_000).toLocaleDateString(undefined, { timeZone: 'UTC', dateStyle: 'long' });
}

/** Whether the sender's last day has passed where the recipient is. */
function expired(day: number): boolean {
  const now = new Date();
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86_400_000;
  return today > day;
}

/** The name a file is saved under: the browser saves no folders, so "Case 0042/letter.pdf" becomes "Case 0042 - letter.pdf". */
const savedName = (name: string) => name.split('/').join(' - ');

function download(parts: Blob[], name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(parts, { type: 'application/octet-stream' }));
  a.download = savedName(name);
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has the Blob once the download starts; the address is let go a minute later.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

/** Decrypts from the start and saves each wanted file (in the package's order) the moment its last byte is in. */
async function save(pkg: OpenedPackage, wanted: number[]): Promise<void> {
  const files = pkg.manifest.files;
  const queue = [...wanted].sort((a, b) => a - b);
  const total = queue.length;
  let groups: Blob[] = [];
  let parts: BlobPart[] = [];
  let partBytes = 0;
  let got = 0;
  const completeReady = () => {
    while (queue.length > 0 && got === files[queue[0]!]!.size) {
      download([...groups, new Blob(parts)], files[queue.shift()!]!.name);
      groups = [];
      parts = [];
      partBytes = 0;
      got = 0;
      say(total === 1 ? 'Saved.' : `Saved ${total - queue.length} of ${total}.`);
    }
  };
  completeReady();
  if (queue.length === 0) return;
  for await (const piece of pkg.contents()) {
    if (piece.index !== queue[0]) continue;
    parts.push(piece.bytes as Uint8Array<ArrayBuffer>); // libsodium's output, never shared memory
    partBytes += piece.bytes.length;
    got += piece.bytes.length;
    if (partBytes >= BLOB_GROUP) {
      groups.push(new Blob(parts));
      parts = [];
      partBytes = 0;
    }
    completeReady();
    if (queue.length === 0) return;
  }
}

function showFiles(pkg: OpenedPackage): void {
  const { files, created } = pkg.manifest;
  const list = element('list');
  const buttons: HTMLButtonElement[] = [];
  const run = (wanted: number[]) => async () => {
    buttons.forEach((b) => (b.disabled = true));
    say(wanted.length === 1 ? 'Saving…' : `Saving ${fileCount(wanted.length)}…`);
    try {
      await save(pkg, wanted);
    } catch (e) {
      say(sentenceOf(e));
    }
    buttons.forEach((b) => (b.disabled = false));
  };
  const bytes = files.reduce((n, f) => n + f.size, 0);
  element('files-heading').textContent =
    `${fileCount(files.length)} (${byteSize(bytes)}), sent on ${new Date(created).toLocaleDateString(undefined, { dateStyle: 'long' })}`;
  for (const [i, f] of files.entries()) {
    const item = document.createElement('li');
    const name = document.createElement('button');
    name.type = 'button';
    name.className = 'name';
    name.textContent = f.name;
    const size = document.createElement('span');
    size.className = 'size';
    size.textContent = byteSize(f.size);
    const saveOne = document.createElement('button');
    saveOne.type = 'button';
    saveOne.textContent = 'Save';
    saveOne.setAttribute('aria-label', `Save ${f.name}`);
    for (const b of [name, saveOne]) b.addEventListener('click', () => void run([i])());
    buttons.push(name, saveOne);
    item.append(name, size, saveOne);
    list.append(item);
  }
  const all = element<HTMLButtonElement>('save-all');
  all.addEventListener('click', () => void run(files.map((_, i) => i))());
  buttons.push(all);
  element('files').hidden = false;
}

/** Lets the browser draw the "Opening…" line before Argon2 holds the page for a few seconds. */
const drawn = () => new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0)));

async function start(): Promise<void> {
  await sodium.ready;
  element('starting').remove();
  const header = await readPackageHeader(sodium, source).catch((e: unknown) => {
    say(sentenceOf(e));
    return undefined;
  });
  if (!header) return;
  const expiry = element('expiry');
  if (header.expiresDay !== null) {
    expiry.hidden = false;
    if (expired(header.expiresDay)) {
      expiry.textContent = `This package expired on ${longDate(header.expiresDay)}: ask the sender to send it again if you still need the files.`;
      return;
    }
    expiry.textContent = `The sender asked for these files to be opened by ${longDate(header.expiresDay)}.`;
  }
  const form = element<HTMLFormElement>('unlock');
  const input = element<HTMLInputElement>('passphrase');
  const button = form.querySelector('button')!;
  form.hidden = false;
  input.focus();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      if (input.value.trim() === '') return say(SAY.empty);
      button.disabled = true;
      say(SAY.opening);
      await drawn();
      try {
        const pkg = await openPackage(sodium, source, input.value);
        if (pkg.length !== held) throw new DamagedData('damaged package (length)');
        form.remove();
        say('');
        showFiles(pkg);
      } catch (err) {
        say(sentenceOf(err));
        button.disabled = false;
        input.select();
      }
    })();
  });
}

void start().catch((e: unknown) => say(sentenceOf(e)));
