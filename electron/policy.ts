// The desktop shell's security decisions, as plain functions so they are
// tested without Electron (which cannot run everywhere the tests do).
// electron/main.ts only wires them to Electron's events.
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { DEFAULT_SETTINGS } from '../engine/index.js';
import { idleLockDue, type ApiResponse } from '../contract/index.js';

export const APP_SCHEME = 'casevault';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** BrowserWindow options: the renderer gets no Node, no remote content, only the preload's typed bridge. */
export function windowOptions(preload: string) {
  return {
    width: 1100,
    height: 760,
    minWidth: 420,
    minHeight: 480,
    show: false,
    title: 'Casevault',
    backgroundColor: '#f5f6f8',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}

/** Only the app's own pages: everything else (the web, file://, other schemes) is refused. */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The file under `rendererDir` that an app URL names, or undefined if it would leave that folder. */
export function appFile(rendererDir: string, url: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  const root = realpathSync(rendererDir);
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(url).pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  const full = resolve(root, rel);
  if (!full.startsWith(root + sep)) return undefined;
  try {
    const real = realpathSync(full);
    return real.startsWith(root + sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** An IPC call is answered only if it comes from the app's own top-level page (not an injected frame). */
export function ipcSenderAllowed(senderFrameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && isAppUrl(senderFrameUrl);
}

/** Auto-lock after this many minutes without keyboard or mouse anywhere on the computer: the engine's idle rule (contract/lock.ts), on the OS's idle seconds. */
export function autoLockDue(idleSeconds: number, lockAfterMinutes: number): boolean {
  return idleLockDue(idleSeconds * 1000, lockAfterMinutes);
}

/** The one outside address the app opens (in the person's own browser, never in the app): Dropbox's sign-in page. */
export function isDropboxSignInUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.host === 'www.dropbox.com' && u.pathname === '/oauth2/authorize' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The idle minutes before auto-lock, from the API's `settings` answer; the default (15) when that could not be read. */
export function autoLockMinutes(settings: ApiResponse): number {
  const v = settings.ok ? (settings.value as { autoLockMinutes?: unknown } | null)?.autoLockMinutes : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : DEFAULT_SETTINGS.autoLockMinutes;
}

/** The tray's one-word state, from the engine's status. */
export function trayState(s: {
  files: { pending: number; failed: number };
  pendingDeletions: number;
  live: { watching: boolean; online?: boolean };
}): 'synced' | 'syncing' | 'attention' {
  if (s.files.failed > 0 || (s.live.watching && s.live.online === false)) return 'attention';
  if (s.files.pending > 0 || s.pendingDeletions > 0) return 'syncing';
  return 'synced';
}

/** Whether the desktop app should start at login, from the settings answer (off when it cannot be read). */
export function startAtLogin(settings: ApiResponse): boolean {
  return settings.ok && (settings.value as { startAtLogin?: unknown } | null)?.startAtLogin === true;
}

/** What needs the person, as an OS notification: plain words, never a file name. */
export type NoticeKind = 'sync-failed' | 'backup-failed' | 'backup-overdue' | 'cloud-unreachable';

export function notice(kind: NoticeKind, count = 0): { title: string; body: string } {
  const body = {
    'sync-failed': `${count === 1 ? '1 file' : `${count} files`} could not be synced. Open Casevault to see why.`,
    'backup-failed': 'The backup did not work (is the backup drive plugged in?). Casevault tries again later.',
    'backup-overdue': 'No backup has worked for a while. Plug in the backup drive, or open Casevault to back up now.',
    'cloud-unreachable':
      'Casevault cannot reach the cloud copy; your files wait on this computer and go up when it is back. If it is Dropbox, you may need to reconnect it in Settings.',
  }[kind];
  return { title: 'Casevault', body };
}

/** One notification of a kind per this long: a person is told, not nagged. */
export const NOTICE_EVERY_MS = 6 * 3_600_000;

export function noticeDue(kind: NoticeKind, lastShown: ReadonlyMap<NoticeKind, number>, now: number): boolean {
  const last = lastShown.get(kind);
  return last === undefined || now - last >= NOTICE_EVERY_MS;
}
