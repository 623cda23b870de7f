// The handover sheet: one printable page for the successor, saying what they
// receive, where the copy is, how to open it in the app's "Recover a vault"
// screen (the app's own labels, so no terminal is needed), the date and who
// made it. It carries no secret: the passphrase is given in person and the
// recovery key on its own paper, so the sheet can travel with the copy.
// Spec: docs/handover.md.
import { dateTimeText, dayText, escapeHtml, fileCount } from '../../contract/index.js';

export interface SheetFacts {
  /** The verified copy: its folder, when it was checked, what it holds. */
  to: string;
  at: string;
  files: number;
  bytes: number;
  /** Archives of closed cases in the backup folder, not in the copy (0 or absent: none), and that folder. */
  archives?: number;
  backupFolder?: string;
  /** Who made it: the name the person typed, else this computer's name. */
  madeBy: string;
  /** When the sheet was made. */
  now: Date;
  locale: string;
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

export function handoverSheetHtml(f: SheetFacts): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="${e(f.locale)}"><head><meta charset="utf-8"><title>Casevault handover sheet, ${e(dayText(f.now, f.locale))}</title>
<style>body{font:12pt/1.45 system-ui,sans-serif;max-width:42em;margin:2em auto}h1{font-size:18pt}h2{font-size:13pt;margin-top:1.4em}code{font-size:11pt}li{margin:.3em 0}</style></head>
<body>
<h1>Casevault handover sheet</h1>
<p>Made on ${e(dayText(f.now, f.locale))} by ${e(f.madeBy)}.</p>
<h2>What you receive</h2>
<ul>
<li><strong>An encrypted copy of the case vault</strong>: ${e(fileCount(f.files))} (${e(mib(f.bytes))}), checked file by file on ${e(dateTimeText(f.at, f.locale))}. It was written to the folder <code>${e(f.to)}</code> (often on a USB drive: on your computer the drive may show under another name).</li>
${
  f.archives
    ? `<li><strong>The backup drive</strong>: the vault also has ${f.archives === 1 ? '1 archive' : `${f.archives} archives`} of closed cases in its backup folder${f.backupFolder ? ` <code>${e(f.backupFolder)}</code>` : ''}, which ${f.archives === 1 ? 'is' : 'are'} not in the copy. Your predecessor hands the drive over with the copy; ${f.archives === 1 ? 'it opens' : 'they open'} with your predecessor's passphrase or recovery key for the vault, not with yours.</li>\n`
    : ''
}<li><strong>A passphrase</strong>, told to you in person. It is not on this sheet.</li>
<li><strong>A recovery key</strong> of 27 words, on its own paper, given to you apart from this sheet and the copy. It opens the copy if the passphrase is forgotten: keep it away from the computer, for instance in the office safe.</li>
</ul>
<h2>Opening it on your computer</h2>
<ol>
<li>Install Casevault and open it.</li>
<li>Plug in the drive with the copy, or copy the folder onto your computer, where it can stay: it becomes your vault's encrypted cloud copy.</li>
<li>On Casevault's first screen, choose <strong>Already have a vault? Recover it on this computer</strong>.</li>
<li>In <strong>Cloud folder that holds the encrypted copy</strong>, give the full path of the copy's folder.</li>
<li>In <strong>New (or empty) folder for the vault</strong>, give the full path of a new folder for the case files, for instance Cases in your Documents folder.</li>
<li>Type the passphrase, then choose <strong>Recover my vault</strong>. Every file appears in the new folder.</li>
</ol>
<h2>Afterwards</h2>
<ul>
<li>Change the passphrase to one only you know: <strong>Settings</strong>, <strong>Change passphrase</strong>.</li>
<li>To keep the encrypted copy somewhere else (your Dropbox, a share), use <strong>Settings</strong>, <strong>Move the cloud copy</strong>: it is copied, checked, and then used from there.</li>
<li>Your predecessor's passphrase and recovery key do not open this copy.</li>
</ul>
</body></html>
`;
}
