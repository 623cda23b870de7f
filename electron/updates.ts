// The desktop app's updates: the decisions, as plain functions. A union
// serves its own update feed (electron-updater's `generic` provider, its URL
// fixed when the installer is built: docs/desktop-app.md); the app fetches
// new versions in the background, and once one is downloaded it asks "restart
// now or later", never while files are syncing or the keys are being rotated,
// and restarts only after live sync has stopped and the vault is locked.
// electron/main.ts wires these to electron-updater.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How often a running app asks the feed for a new version. */
export const UPDATE_CHECK_EVERY_MS = 6 * 3_600_000;

/**
 * The feed's address, as given when the installer is built: https only, so no
 * one on the network can stand in for the union's server (plain http is
 * accepted for this computer's own loopback address, for trying a feed out).
 */
export function checkUpdateFeed(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`the update feed "${raw}" is not a web address`);
  }
  const loopback = u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]');
  if (u.protocol !== 'https:' && !loopback) throw new Error(`the update feed must be an https:// address (not ${u.protocol}//)`);
  if (u.username || u.password) throw new Error('the update feed address must not carry a user name or password (it is readable in every installer)');
  if (u.search || u.hash) throw new Error('the update feed address must be a folder, with no ?query or #fragment');
  return u.toString().replace(/\/?$/, '/');
}

/** How this copy of the app was installed, and so how it can update itself; undefined where it cannot (the tar.gz, a folder). */
export type UpdateKind = 'appimage' | 'deb' | 'windows' | 'mac';

export function updateKind(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, resourcesDir: string): UpdateKind | undefined {
  let feed: string;
  try {
    feed = readFileSync(join(resourcesDir, 'app-update.yml'), 'utf8');
  } catch {
    return undefined; // built with no feed
  }
  // electron-updater checks a Windows installer's signature only against the publisher recorded when the app was signed; unsigned, it would check none.
  if (platform === 'win32') return /^publisherName:/m.test(feed) ? 'windows' : undefined;
  if (platform === 'darwin') return 'mac';
  if (platform !== 'linux') return undefined;
  if (env.APPIMAGE) return 'appimage';
  let packageType: string;
  try {
    packageType = readFileSync(join(resourcesDir, 'package-type'), 'utf8').trim();
  } catch {
    return undefined; // a tar.gz or a bare folder: replaced by hand
  }
  return packageType === 'deb' ? 'deb' : undefined;
}

/** What the app's status must show before a restart is offered or made. */
export interface UpdateGate {
  files: { pending: number; failed: number };
  pendingDeletions: number;
  live: { watching: boolean; online?: boolean };
  keyRotation: 'none' | 'interrupted' | 'running';
}

/** Offer (or make) the restart now, or wait: never while files wait to go up or the keys are being rotated (no vault yet: nothing to wait for). */
export function updateStep(s: UpdateGate | undefined): 'offer' | 'wait' {
  if (!s) return 'offer';
  if (s.keyRotation === 'running') return 'wait';
  // Files waiting to go up wait for the update, unless they cannot go anywhere now (offline, or failing): then waiting would never end.
  if (s.files.failed > 0 || s.live.online === false) return 'offer';
  return s.files.pending > 0 || s.pendingDeletions > 0 ? 'wait' : 'offer';
}

/** Wait until a restart may be made (updateStep says 'offer'), asking `status` after each `pause`. */
export async function whenIdle(status: () => Promise<UpdateGate | undefined>, pause: () => Promise<void>): Promise<void> {
  while (updateStep(await status()) === 'wait') await pause();
}

/** The question, in the app's words (a message box over the window). */
export function updateQuestion(version: string, kind: UpdateKind) {
  const admin = kind === 'deb' ? ' Installing it asks for an administrator password.' : '';
  return {
    title: 'Casevault',
    message: `An update is ready: Casevault ${version}.`,
    detail: `Restart now to install it: Casevault stops syncing, locks the vault and opens again.${admin} Later: you are asked again the next time Casevault starts.`,
    buttons: ['Restart now', 'Later'],
    defaultId: 0,
    cancelId: 1,
  };
}
