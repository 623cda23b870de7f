// "Start with the computer" on Linux: one XDG autostart entry, written and
// removed in a real folder, that starts the app hidden in the tray.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AUTOSTART_FILE, autostartDir, autostartEntry, execArg, launchPath, setLinuxAutostart } from '../../electron/autostart.js';
import { exists, tempDir } from '../helpers/fs.js';

test('the entry goes to $XDG_CONFIG_HOME/autostart, else ~/.config/autostart (a relative XDG_CONFIG_HOME is ignored)', () => {
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '/home/ann/.cfg' }, '/home/ann'), '/home/ann/.cfg/autostart');
  assert.equal(autostartDir({}, '/home/ann'), '/home/ann/.config/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: 'cfg' }, '/home/ann'), '/home/ann/.config/autostart');
});

test('turned on, the entry is written beside what is there; turned off, only it is removed (twice is no error)', async () => {
  const dir = join(await tempDir('autostart'), 'autostart');
  await setLinuxAutostart(true, '/opt/Casevault/casevault-desktop', dir);
  const text = await readFile(join(dir, AUTOSTART_FILE), 'utf8');
  assert.match(text, /^\[Desktop Entry\]\n/);
  assert.match(text, /\nType=Application\n/);
  assert.match(text, /\nExec=\/opt\/Casevault\/casevault-desktop --hidden\n/);
  assert.equal((await stat(join(dir, AUTOSTART_FILE))).mode & 0o777, 0o644);
  await writeFile(join(dir, 'other-app.desktop'), '[Desktop Entry]\n');
  await setLinuxAutostart(true, '/opt/Casevault/casevault-desktop', dir);
  await setLinuxAutostart(false, '/opt/Casevault/casevault-desktop', dir);
  assert.equal(await exists(join(dir, AUTOSTART_FILE)), false);
  await setLinuxAutostart(false, '/opt/Casevault/casevault-desktop', dir);
  assert.deepEqual(await readdir(dir), ['other-app.desktop'], "another program's entry is left alone");
});

test('an AppImage starts from its own file, not from its temporary mount', () => {
  assert.equal(launchPath('/tmp/.mount_CasevXYZ/casevault-desktop', { APPIMAGE: '/home/ann/Apps/Casevault.AppImage' }), '/home/ann/Apps/Casevault.AppImage');
  assert.equal(launchPath('/opt/Casevault/casevault-desktop', {}), '/opt/Casevault/casevault-desktop');
});

test('paths with spaces, quotes, dollars, backslashes and percent signs are quoted as the Desktop Entry spec asks', () => {
  assert.equal(execArg('/usr/bin/casevault-desktop'), '/usr/bin/casevault-desktop');
  assert.equal(execArg('/home/ann/My Apps/Casevault.AppImage'), '"/home/ann/My Apps/Casevault.AppImage"');
  assert.equal(execArg('/home/ann/100%/app'), '/home/ann/100%%/app');
  // Inside quotes `"` `$` and a backslash take a backslash; the file's string escaping then doubles every backslash.
  assert.equal(execArg('/a "b"/c'), '"/a \\\\"b\\\\"/c"');
  assert.equal(execArg('/a$b'), '"/a\\\\$b"');
  assert.equal(execArg('/a\\b'), '"/a\\\\\\\\b"');
  assert.throws(() => execArg('/a\nExec=/bin/evil'), /line break/);
  assert.match(autostartEntry('/home/ann/My Apps/Casevault.AppImage'), /\nExec="\/home\/ann\/My Apps\/Casevault.AppImage" --hidden\n/);
});
