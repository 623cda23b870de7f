// "Start with the computer" on Linux. Electron's setLoginItemSettings works
// on macOS and Windows only; on Linux the desktop starts what it finds in
// the XDG autostart folder ($XDG_CONFIG_HOME/autostart, by default
// ~/.config/autostart), so the setting writes or removes one .desktop file
// there. Plain module (no Electron), tested on real folders.
import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../engine/index.js';
import { HIDDEN_FLAG } from './lifecycle.js';

export const AUTOSTART_FILE = 'casevault.desktop';

/** The XDG autostart folder: a relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
export function autostartDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'autostart');
}

/** The program to start: an AppImage's own file (its running copy is a temporary mount), else the app's executable. */
export function launchPath(execPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.APPIMAGE && isAbsolute(env.APPIMAGE) ? env.APPIMAGE : execPath;
}

/**
 * One argument of an Exec line, as the Desktop Entry spec asks: `%` doubled
 * (it starts field codes); an argument with a reserved character quoted, with
 * `"`, `` ` ``, `$` and `\` escaped inside the quotes; then every backslash
 * doubled again, since the file's own string escaping is undone first.
 */
export function execArg(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error('a program path with a line break cannot be started at login');
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`.replace(/\\/g, '\\\\');
}

/** The autostart entry: the app, started hidden in the tray. */
export function autostartEntry(program: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Casevault',
    'Comment=Keeps the vault synced and backed up',
    `Exec=${execArg(program)} ${HIDDEN_FLAG}`,
    'Icon=casevault-desktop',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Write or remove the autostart entry; removing one that is not there is no error. */
export async function setLinuxAutostart(enabled: boolean, program: string, dir = autostartDir()): Promise<void> {
  const file = join(dir, AUTOSTART_FILE);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(file, autostartEntry(program), 0o644);
}
