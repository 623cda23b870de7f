// The desktop shell's security decisions, as plain functions so they are
// tested without Electron (which cannot run everywhere the tests do).
// electron/main.ts only wires them to Electron's events.
import { realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { DEFAULT_SETTINGS } from '../engine/index.js';
import {
  BACKGROUND_METHODS,
  idleLockDue,
  worstFirst,
  type ApiMethod,
  type ApiResponse,
  type HealthItem,
  type HomeView,
  type RestoreReport,
  type StatusReport,
} from '../contract/index.js';

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

/**
 * Whether to lock now, asked every 30 seconds: after the idle minutes, or when the
 * screen is locked. Electron's 'lock-screen' event exists on macOS and Windows
 * only; on Linux the idle state reads 'locked' while the screen locker runs.
 */
export function autoLockNow(idleSeconds: number, idleState: string, lockAfterMinutes: number): boolean {
  return idleState === 'locked' || autoLockDue(idleSeconds, lockAfterMinutes);
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

/**
 * The tray's icon and words, from the vault's health (the same headline as
 * Home's): the worst problem's sentence, or that everything is protected.
 * Changes waiting to go to the cloud show as syncing; any other problem as
 * needing attention.
 */
export function trayState(s: { health: readonly HealthItem[] }): { icon: 'synced' | 'syncing' | 'attention'; tooltip: string } {
  const worst = worstFirst(s.health).find((h) => !h.ok);
  if (!worst) return { icon: 'synced', tooltip: 'Casevault: everything is protected' };
  const m = worst.message.trim();
  const tooltip = `Casevault: ${m.charAt(0).toUpperCase()}${m.slice(1)}`;
  return { icon: worst.area === 'cloud' && worst.next === 'sync-now' ? 'syncing' : 'attention', tooltip };
}

/**
 * What the page's call does to the tray: a status it asked for (Home's,
 * every few seconds, in its view) is shown there rather than read again; a
 * call that may change the vault asks for a fresh one; the app's own reads
 * (BACKGROUND_METHODS) change nothing, where each had the tray walk the
 * vault again. The tray also reads the status every 30 seconds and after
 * each sync pass.
 */
export function trayAfter(method: string, result: ApiResponse): { show: StatusReport } | 'refresh' | 'none' {
  if (result.ok && method === 'status') return { show: result.value as StatusReport };
  if (result.ok && method === 'homeView') return { show: (result.value as HomeView).status };
  return BACKGROUND_METHODS.has(method as ApiMethod) ? 'none' : 'refresh';
}

/** Whether the desktop app should start at login, from the settings answer (off when it cannot be read). */
export function startAtLogin(settings: ApiResponse): boolean {
  return settings.ok && (settings.value as { startAtLogin?: unknown } | null)?.startAtLogin === true;
}

/** What needs the person, as an OS notification: files that failed, and the health problems worth interrupting them for. */
export type NoticeKind = 'sync-failed' | 'cloud' | 'keys' | 'backups';

/** Plain words, never a file or folder name (a notification can show on a locked screen). */
export function notice(kind: NoticeKind, count = 0): { title: string; body: string } {
  const body = {
    'sync-failed': `${count === 1 ? '1 file' : `${count} files`} could not be synced. Open Casevault to see why.`,
    cloud: 'Casevault cannot send your files to the cloud copy just now; they wait on this computer. Open Casevault to see why and how to fix it.',
    keys: "The vault's keys were changed on another computer, so nothing goes to the cloud from this one. Open Casevault and type the new passphrase.",
    backups: 'Backups need you: the backup drive may be unplugged, or a backup did not work. Open Casevault to see why.',
  }[kind];
  return { title: 'Casevault', body };
}

/**
 * The health problems that call for a notification now: the cloud stopped
 * or failing, the keys changed elsewhere, the backups; not reminders (cases
 * past retention, changes waiting), which Home and the tray show.
 */
export function healthNotices(health: readonly HealthItem[]): NoticeKind[] {
  return health.flatMap((h) => (!h.ok && h.urgency !== 'reminder' && (h.area === 'cloud' || h.area === 'keys' || h.area === 'backups') ? [h.area] : []));
}

/** One notification of a kind per this long: a person is told, not nagged. */
export const NOTICE_EVERY_MS = 6 * 3_600_000;

export function noticeDue(kind: NoticeKind, lastShown: ReadonlyMap<NoticeKind, number>, now: number): boolean {
  const last = lastShown.get(kind);
  return last === undefined || now - last >= NOTICE_EVERY_MS;
}

/**
 * The folder "Open folder" shows after a restore: the one file's folder (so
 * the person sees it, and what it went beside), else the folder restored
 * into. Taken from the engine's own report in the main process, never from
 * a path the page sends.
 */
export function restoredFolder(r: RestoreReport): string {
  return r.restored === 1 && r.written.length === 1 ? dirname(r.written[0]!.writtenAs) : r.to;
}
