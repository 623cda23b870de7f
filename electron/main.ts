// The desktop app's main process: hosts the engine, one window, a tray icon,
// notifications, auto-lock and live sync. Thin: the security decisions are
// in electron/policy.ts (tested without Electron), the work in the engine.
// Compiled to dist/electron/main.js (package.json "main").
import { app, BrowserWindow, ipcMain, Menu, nativeImage, net, Notification, powerMonitor, protocol, safeStorage, session, shell, Tray } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_TYPES, type ApiResult, type EngineEvents } from '../contract/index.js';
import { CONTENT_SECURITY_POLICY, defaultHome, dispatch, Engine } from '../engine/index.js';
import { osTokenStore } from './token-store.js';
import {
  APP_ENTRY,
  APP_SCHEME,
  appFile,
  autoLockDue,
  autoLockMinutes,
  ipcSenderAllowed,
  isDropboxSignInUrl,
  isAppUrl,
  notice,
  noticeDue,
  startAtLogin,
  trayState,
  windowOptions,
  type NoticeKind,
} from './policy.js';

// The app's root (this file runs from dist/electron/): the built UI, the preload and the icons are found from it.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rendererDir = join(root, 'dist', 'ui');
const icon = (name: string) => nativeImage.createFromPath(join(root, 'build', 'icons', name));

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

// The Dropbox sign-in also under the OS keychain, so a Dropbox vault syncs after a restart while locked.
const engine = new Engine(defaultHome(), process.env, osTokenStore(defaultHome(), safeStorage));
let win: BrowserWindow | undefined;
let tray: Tray | undefined;

function showWindow() {
  if (!win || win.isDestroyed()) {
    win = new BrowserWindow(windowOptions(join(root, 'electron', 'preload.cjs')));
    win.once('ready-to-show', () => win?.show());
    void win.loadURL(APP_ENTRY);
  } else {
    win.show();
    win.focus();
  }
}

function send<K extends keyof EngineEvents>(type: K, payload: EngineEvents[K]) {
  if (win && !win.isDestroyed()) win.webContents.send('casevault:event', type, payload);
}

const noticesShown = new Map<NoticeKind, number>();
function notify(kind: NoticeKind, count?: number) {
  if (!noticeDue(kind, noticesShown, Date.now())) return;
  noticesShown.set(kind, Date.now());
  new Notification(notice(kind, count)).show();
}

// (Electron's macOS-only openAsHidden, which macOS 13 and later ignore, is gone from Electron's API.)
async function applyLoginItem() {
  app.setLoginItemSettings({ openAtLogin: startAtLogin(await dispatch(engine, 'settings', {})) });
}

async function refreshTray() {
  if (!tray || !(await engine.hasVault())) return;
  const state = trayState(await engine.status());
  tray.setImage(icon(`tray-${state}.png`));
  tray.setToolTip({ synced: 'Casevault: all files are safe in the cloud', syncing: 'Casevault: syncing…', attention: 'Casevault: needs attention' }[state]);
}

void app.whenReady().then(async () => {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFile(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  // The preload sends the method as a string (String(method)); dispatch refuses any name that is not an API method.
  ipcMain.handle('casevault:call', async (event, method: string, params: unknown) => {
    if (!ipcSenderAllowed(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) {
      return { ok: false, error: { kind: 'Refused', message: 'not allowed' } };
    }
    const result = await dispatch(engine, method, params);
    void refreshTray();
    if (method === 'updateSettings' && result.ok) void applyLoginItem();
    return result;
  });
  ipcMain.handle('casevault:open-vault-folder', async (event) => {
    if (!ipcSenderAllowed(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) {
      return { ok: false, error: { kind: 'Refused', message: 'not allowed' } };
    }
    const status = await dispatch(engine, 'status', {});
    if (!status.ok) return status;
    const problem = await shell.openPath((status.value as ApiResult<'status'>).vaultDir);
    return problem
      ? { ok: false, error: { kind: 'Failed', message: 'the vault folder could not be opened; open it from the file manager' } }
      : { ok: true, value: {} };
  });
  const forward = <K extends keyof EngineEvents>(type: K) => engine.events.on(type, (e) => send(type, e));
  for (const type of EVENT_TYPES) forward(type);

  tray = new Tray(icon('tray-synced.png'));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Casevault', click: showWindow },
      { label: 'Sync now', click: () => void dispatch(engine, 'sync', {}).then(refreshTray) },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  tray.on('click', showWindow);

  // Auto-lock: the reading keys are wiped on sleep, screen lock and idle; sync carries on write-only.
  // The engine's own idle timer locks after the same minutes without use of the app; this also locks when the whole computer is idle.
  powerMonitor.on('suspend', () => void engine.lock({ by: 'sleep' }));
  powerMonitor.on('lock-screen', () => void engine.lock({ by: 'screen-lock' }));
  setInterval(async () => {
    const minutes = autoLockMinutes(await dispatch(engine, 'settings', {}));
    if (autoLockDue(powerMonitor.getSystemIdleTime(), minutes)) void engine.lock({ by: 'idle', minutes });
    void refreshTray();
  }, 30_000);

  await engine.startLiveSync({
    onPass: (r) => {
      void refreshTray();
      if (r.failed.length > 0) notify('sync-failed', r.failed.length);
    },
    onOffline: () => {
      void refreshTray();
      notify('cloud-unreachable');
    },
    onBackupFailed: () => notify('backup-failed'),
    onBackupOverdue: () => notify('backup-overdue'),
  });
  void applyLoginItem();
  showWindow();
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isDropboxSignInUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

app.on('second-instance', showWindow);
app.on('window-all-closed', () => {
  // Keep syncing from the tray; quit from its menu.
});
app.on('before-quit', async () => {
  await engine.stopLiveSync();
  await engine.lock();
});
