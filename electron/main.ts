// The desktop app's main process: hosts the engine, one window, a tray icon,
// notifications, auto-lock, live sync and updates. Thin: the decisions are
// plain functions beside it (policy.ts, lifecycle.ts, autostart.ts,
// tray-support.ts, updates.ts; tested without Electron), the work in the engine.
// Compiled to dist/electron/main.js (package.json "main").
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, net, Notification, powerMonitor, protocol, safeStorage, session, shell, Tray } from 'electron';
import electronUpdater from 'electron-updater';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_TYPES, type ApiResponse, type ApiResult, type EngineEvents, type RestoreReport, type StatusReport } from '../contract/index.js';
import { CONTENT_SECURITY_POLICY, defaultHome, dispatch, Engine } from '../engine/index.js';
import { osTokenStore } from './token-store.js';
import { launchPath, setLinuxAutostart } from './autostart.js';
import { closeQuits, HIDDEN_FLAG, holdsSingleInstance, QuitSequence, startHidden } from './lifecycle.js';
import { statusNotifierWatcher, trayShown } from './tray-support.js';
import { UPDATE_CHECK_EVERY_MS, updateKind, updateQuestion, whenIdle, type UpdateKind } from './updates.js';
import {
  APP_ENTRY,
  APP_SCHEME,
  appFile,
  autoLockMinutes,
  healthNotices,
  autoLockNow,
  ipcSenderAllowed,
  isDropboxSignInUrl,
  isAppUrl,
  notice,
  noticeDue,
  restoredFolder,
  startAtLogin,
  trayAfter,
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
let engine: Engine;
let quit: QuitSequence;
let win: BrowserWindow | undefined;
let tray: Tray | undefined;
/** The folder the last restore wrote into, from the engine's report (what "Open folder" shows). */
let lastRestored: string | undefined;
/** Whether the tray icon can be seen (Linux without a tray: closing the window quits). */
let hasTray = true;

// A second copy starts nothing (no engine, no live sync beside the first's): it quits, and the first shows its window.
// (After the declarations above: start() assigns them.)
if (holdsSingleInstance(app)) start();

function start() {
  // The Dropbox sign-in also under the OS keychain, so a Dropbox vault syncs after a restart while locked.
  engine = new Engine(defaultHome(), process.env, osTokenStore(defaultHome(), safeStorage));
  // Every quit waits for live sync to stop and the keys to be wiped (Electron does not await before-quit).
  quit = new QuitSequence(app, async () => {
    await engine.stopLiveSync();
    await engine.lock();
  });
  app.on('second-instance', showWindow);
  app.on('window-all-closed', () => {
    // With a tray, keep syncing from it (quit from its menu); without one, the window's close has already quit.
  });
  app.on('web-contents-created', guardContents);
  void app.whenReady().then(ready);
}

function showWindow() {
  if (!win || win.isDestroyed()) {
    win = new BrowserWindow(windowOptions(join(root, 'electron', 'preload.cjs')));
    win.once('ready-to-show', () => win?.show());
    win.on('close', () => {
      if (closeQuits(hasTray)) app.quit();
    });
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
  const enabled = startAtLogin(await dispatch(engine, 'settings', {}));
  if (process.platform !== 'linux') {
    app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    return;
  }
  await setLinuxAutostart(enabled, launchPath(process.execPath)).catch(() => {
    // The setting itself is saved; the next start (or change) writes the autostart entry again.
  });
}

/** The tray and notifications follow the vault's health, as Home's headline does. */
function showHealth(status: StatusReport) {
  if (!tray) return;
  const { icon: state, tooltip } = trayState(status);
  tray.setImage(icon(`tray-${state}.png`));
  tray.setToolTip(tooltip);
  for (const kind of healthNotices(status.health)) notify(kind);
}

async function refreshTray() {
  if (!tray || !(await engine.hasVault())) return;
  showHealth(await engine.status());
}

/** electron-updater, for installers built with a feed: the restart is offered, and made, only when nothing is syncing. */
function startUpdates(kind: UpdateKind) {
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoInstallOnAppQuit = false; // installs only when the person says so, after the quit sequence
  const status = async () => ((await engine.hasVault()) ? engine.status() : undefined);
  const tick = () => new Promise<void>((r) => setTimeout(r, 30_000));
  let asked = false;
  autoUpdater.on('update-downloaded', (info) => {
    if (asked) return;
    asked = true;
    void whenIdle(status, tick).then(async () => {
      const q = updateQuestion(info.version, kind);
      const { response } = win && !win.isDestroyed() ? await dialog.showMessageBox(win, q) : await dialog.showMessageBox(q);
      if (response !== 0) return; // Later: the download is kept, and offered again at the next start
      // Files may have arrived while the question was open: the restart waits for them too.
      await whenIdle(status, tick);
      quit.quitThen(() => autoUpdater.quitAndInstall(false, true)); // not silent (an installer may ask for a password), then run again
    });
  });
  autoUpdater.on('error', () => {
    // No feed reachable, or a download that failed its checksum or signature: nothing is installed; the next check tries again.
  });
  const check = () =>
    void autoUpdater.checkForUpdates().catch(() => {
      // reported through the 'error' event above
    });
  check();
  setInterval(check, UPDATE_CHECK_EVERY_MS);
}

async function ready() {
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
    if (method === 'restoreBackup' && result.ok) lastRestored = restoredFolder(result.value as RestoreReport);
    const forTray = trayAfter(method, result);
    if (forTray === 'refresh') void refreshTray();
    else if (forTray !== 'none') showHealth(forTray.show);
    if (method === 'updateSettings' && result.ok) void applyLoginItem();
    return result;
  });
  ipcMain.handle('casevault:desktop', (event) =>
    ipcSenderAllowed(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame) ? { closeQuits: closeQuits(hasTray) } : undefined,
  );
  /** Opens a folder the main process knows (never a path from the page) in the file manager, for the app's own page only. */
  const openFolder = (channel: string, folder: () => Promise<ApiResponse<string>>) =>
    ipcMain.handle(channel, async (event) => {
      if (!ipcSenderAllowed(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) {
        return { ok: false, error: { kind: 'refused', message: 'not allowed' } };
      }
      const path = await folder();
      if (!path.ok) return path;
      const problem = await shell.openPath(path.value);
      return problem
        ? { ok: false, error: { kind: 'failed', message: 'the folder could not be opened; open it from the file manager' } }
        : { ok: true, value: {} };
    });
  openFolder('casevault:open-vault-folder', async () => {
    const status = await dispatch(engine, 'status', {});
    return status.ok ? { ok: true, value: (status.value as ApiResult<'status'>).vaultDir } : status;
  });
  openFolder('casevault:open-restored-folder', async () =>
    lastRestored ? { ok: true, value: lastRestored } : { ok: false, error: { kind: 'usage', message: 'nothing has been restored since Casevault started' } },
  );
  const forward = <K extends keyof EngineEvents>(type: K) => engine.events.on(type, (e) => send(type, e));
  for (const type of EVENT_TYPES) forward(type);

  hasTray = trayShown(process.platform, process.env, process.platform === 'linux' ? await statusNotifierWatcher() : undefined);
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
  // 'suspend' comes on every platform (on Linux from logind); 'lock-screen' on macOS and Windows, and the idle state 'locked' on Linux.
  // The engine's own idle timer locks after the same minutes without use of the app; this also locks when the whole computer is idle.
  powerMonitor.on('suspend', () => void engine.lock({ by: 'sleep' }));
  powerMonitor.on('lock-screen', () => void engine.lock({ by: 'screen-lock' }));
  // Electron's docs give this event a preventDefault (its typings do not): Linux and macOS then wait while the quit sequence runs.
  powerMonitor.on('shutdown', (...args: unknown[]) => {
    (args[0] as { preventDefault?(): void } | undefined)?.preventDefault?.();
    app.quit();
  });
  setInterval(async () => {
    const minutes = autoLockMinutes(await dispatch(engine, 'settings', {}));
    const state = powerMonitor.getSystemIdleState(60);
    if (autoLockNow(powerMonitor.getSystemIdleTime(), state, minutes)) void engine.lock(state === 'locked' ? { by: 'screen-lock' } : { by: 'idle', minutes });
    void refreshTray();
  }, 30_000);

  await engine.startLiveSync({
    onPass: (r) => {
      void refreshTray();
      if (r.failed.length > 0) notify('sync-failed', r.failed.length);
    },
    onOffline: () => void refreshTray(),
    onBackupFailed: () => void refreshTray(),
    onBackup: () => void refreshTray(),
  });
  void applyLoginItem();
  if (!startHidden(process.argv, hasTray)) showWindow();
  const kind = app.isPackaged ? updateKind(process.platform, process.env, process.resourcesPath) : undefined;
  if (kind) startUpdates(kind);
}

function guardContents(_e: unknown, contents: Electron.WebContents) {
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
}
