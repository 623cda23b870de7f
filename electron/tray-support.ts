// Whether a tray icon will be seen. On Linux, Electron's Tray is a
// StatusNotifierItem on D-Bus, shown only where a StatusNotifierWatcher runs
// (KDE, Xfce, Cinnamon, MATE, Budgie; GNOME only with the AppIndicator
// extension): elsewhere `new Tray()` succeeds and nothing appears, and an app
// that hides in the tray when its window closes is left running out of reach.
// So on Linux the session bus is asked (gdbus, with a short time limit), and
// the desktop's name covers the panels that show the older XEmbed icons.
// macOS and Windows always have one. Plain module, tested with a real private D-Bus.
import { execFile } from 'node:child_process';

export const WATCHER = 'org.kde.StatusNotifierWatcher';

/** Desktops whose panel shows tray icons out of the box (XDG_CURRENT_DESKTOP names, upper-cased). */
const TRAY_DESKTOPS = ['KDE', 'XFCE', 'X-CINNAMON', 'CINNAMON', 'MATE', 'BUDGIE', 'BUDGIE-DESKTOP', 'LXQT', 'UNITY', 'DEEPIN', 'PANTHEON'];

/** gdbus's answer to NameHasOwner, `(true,)` or `(false,)`; anything else is no answer. */
export function parseNameHasOwner(stdout: string): boolean | undefined {
  const m = /^\((true|false),\)\s*$/.exec(stdout.trim());
  return m ? m[1] === 'true' : undefined;
}

/** Whether the session bus has a StatusNotifierWatcher; undefined when the bus or gdbus cannot be reached in time. */
export function statusNotifierWatcher(env: NodeJS.ProcessEnv = process.env, timeoutMs = 2000): Promise<boolean | undefined> {
  const args = ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus'];
  args.push('--method', 'org.freedesktop.DBus.NameHasOwner', WATCHER);
  return new Promise((resolve) => {
    execFile('gdbus', args, { env, timeout: timeoutMs }, (err, stdout) => resolve(err ? undefined : parseNameHasOwner(stdout)));
  });
}

/**
 * Whether a tray icon will be seen: on Linux, yes with a StatusNotifierWatcher
 * on the bus; without one, Chromium falls back to the older XEmbed tray, which
 * the panels of the desktops above still show and GNOME does not. An unknown
 * desktop counts as trayless: closing then quits, which is safe, and Settings
 * says so.
 */
export function trayShown(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, watcher: boolean | undefined): boolean {
  if (platform !== 'linux' || watcher === true) return true;
  const desktops = (env.XDG_CURRENT_DESKTOP ?? '').toUpperCase().split(':');
  return desktops.some((d) => TRAY_DESKTOPS.includes(d));
}
