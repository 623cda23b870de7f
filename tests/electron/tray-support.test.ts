// Whether the tray icon can be seen, asked of a real (private) D-Bus session
// bus with gdbus, and decided by the desktop's name where no watcher answers.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseNameHasOwner, statusNotifierWatcher, trayShown } from '../../electron/tray-support.js';

const haveBus = spawnSync('dbus-daemon', ['--version']).status === 0 && spawnSync('gdbus', ['help']).status === 0;

test(
  'a session bus with no StatusNotifierWatcher answers no; no bus at all gives no answer',
  { skip: haveBus ? false : 'dbus-daemon or gdbus is not installed (Debian: dbus-daemon, libglib2.0-bin)' },
  async () => {
    const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        daemon.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        daemon.once('exit', () => reject(new Error('dbus-daemon did not start')));
      });
      assert.equal(await statusNotifierWatcher({ ...process.env, DBUS_SESSION_BUS_ADDRESS: address }), false);
      assert.equal(await statusNotifierWatcher({ ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }), undefined);
    } finally {
      daemon.kill();
    }
  },
);

test("gdbus's answer is read strictly", () => {
  assert.equal(parseNameHasOwner('(true,)\n'), true);
  assert.equal(parseNameHasOwner('(false,)\n'), false);
  assert.equal(parseNameHasOwner('Error: something'), undefined);
  assert.equal(parseNameHasOwner(''), undefined);
});

test('a tray is seen with a watcher, on desktops whose panels show tray icons, and always on macOS and Windows; not on plain GNOME or an unknown desktop', () => {
  assert.equal(trayShown('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, true), true, 'GNOME with the AppIndicator extension');
  assert.equal(trayShown('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, false), false);
  assert.equal(trayShown('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, undefined), false);
  assert.equal(trayShown('linux', { XDG_CURRENT_DESKTOP: 'XFCE' }, false), true, "Xfce's panel shows the older XEmbed icons");
  assert.equal(trayShown('linux', { XDG_CURRENT_DESKTOP: 'X-Cinnamon' }, undefined), true);
  assert.equal(trayShown('linux', {}, undefined), false);
  assert.equal(trayShown('darwin', {}, undefined), true);
  assert.equal(trayShown('win32', {}, undefined), true);
});
