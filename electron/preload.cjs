// The only bridge between the sandboxed renderer and the main process: the
// engine API's call() and its event stream. Nothing of Electron or Node is
// exposed.
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('casevault', {
  call: (method, params) => ipcRenderer.invoke('casevault:call', String(method), params),
  // No argument: the main process opens the vault folder it knows, never a path from the page.
  openVaultFolder: () => ipcRenderer.invoke('casevault:open-vault-folder'),
  // No argument either: the main process opens the folder of the last restore, from the engine's report.
  openRestoredFolder: () => ipcRenderer.invoke('casevault:open-restored-folder'),
  // What the desktop shell does that the page should say: whether closing the window quits (no tray on this desktop).
  desktop: () => ipcRenderer.invoke('casevault:desktop'),
  on: (listener) => {
    const handler = (_event, type, payload) => listener(type, payload);
    ipcRenderer.on('casevault:event', handler);
    return () => ipcRenderer.off('casevault:event', handler);
  },
});
