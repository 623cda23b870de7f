// A stand-in for the `electron` module, for running electron/main.ts in plain
// Node (tests/electron/main.test.ts): the parts main.ts touches, each call
// logged as one line on stdout. STANDIN_LOCK=0 makes another instance hold
// the single-instance lock; once the window loads, the app is quit as soon
// as live sync has published itself (watch.json in CASEVAULT_HOME).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const log = (...words: unknown[]) => process.stdout.write(`${words.join(' ')}\n`);

class App extends EventEmitter {
  isPackaged = false;
  requestSingleInstanceLock() {
    log('requestSingleInstanceLock');
    return process.env.STANDIN_LOCK !== '0';
  }
  quit() {
    log('quit');
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    log(prevented ? 'quit-held' : 'quit-let-through');
    if (!prevented) process.exit(0);
  }
  exit(code = 0) {
    log('exit', code, existsSync(join(process.env.CASEVAULT_HOME ?? '', 'watch.json')) ? 'watching' : 'not-watching');
    process.exit(code);
  }
  enableSandbox() {}
  whenReady() {
    return Promise.resolve();
  }
  setLoginItemSettings() {}
}
export const app = new App();

/** Quit once live sync has published itself, so the quit has a running live sync to stop. */
function quitWhenWatching(deadline = Date.now() + 60_000) {
  const watching = existsSync(join(process.env.CASEVAULT_HOME ?? '', 'watch.json'));
  if (!watching && Date.now() < deadline) return void setTimeout(() => quitWhenWatching(deadline), 50);
  log(watching ? 'live-sync-running' : 'live-sync-never-started');
  app.quit();
}

export class BrowserWindow extends EventEmitter {
  webContents = { send() {} };
  constructor() {
    super();
    log('BrowserWindow');
  }
  isDestroyed() {
    return false;
  }
  async loadURL(url: string) {
    log('loadURL', url);
    quitWhenWatching();
  }
  show() {}
  focus() {}
}
export class Tray {
  constructor() {
    log('Tray');
  }
  setContextMenu() {}
  on() {}
  setImage() {}
  setToolTip() {}
}
export class Notification {
  show() {}
}
export const dialog = {};
export const ipcMain = { handle: (channel: string) => log('ipcMain.handle', channel) };
export const Menu = { buildFromTemplate: (t: unknown) => t };
export const nativeImage = { createFromPath: (p: string) => p };
export const net = {};
export const powerMonitor = Object.assign(new EventEmitter(), { getSystemIdleTime: () => 0, getSystemIdleState: () => 'active' });
export const protocol = { registerSchemesAsPrivileged() {}, handle: (scheme: string) => log('protocol.handle', scheme) };
export const safeStorage = { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' };
export const session = { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } };
export const shell = {};
