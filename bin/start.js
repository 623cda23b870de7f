#!/usr/bin/env node
// `npm start`: the desktop app where Electron's runtime is installed (if
// `npm install` could not fetch it, it is tried again here, at most once a
// day); otherwise (a locked-down network) the same app in the browser,
// served on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron'); // the package exports the binary's path
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined; // not installed, or its binary was never downloaded
  }
}

/** Fetch Electron now if `npm install` could not; tried at most once a day, and only when run through npm. */
function fetchElectron() {
  const marker = join(appDir, 'node_modules', '.casevault-electron-tried');
  try {
    if (Date.now() - statSync(marker).mtimeMs < 24 * 3_600_000) return;
  } catch {
    // never tried
  }
  if (!process.env.npm_execpath) return;
  mkdirSync(join(appDir, 'node_modules'), { recursive: true });
  writeFileSync(marker, '');
  const version = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')).optionalDependencies.electron;
  console.log('Fetching the desktop runtime (Electron) once…');
  spawnSync(process.execPath, [process.env.npm_execpath, 'install', '--no-save', '--no-audit', '--no-fund', `electron@${version}`], { cwd: appDir, stdio: 'ignore', timeout: 600_000 });
}

function openInBrowser(url) {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {}); // no browser launcher: the printed address is enough
  child.unref();
}

let electron = electronBinary();
if (!electron) {
  fetchElectron();
  electron = electronBinary();
}
if (electron) {
  const child = spawn(electron, [appDir], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const [{ Engine }, { defaultHome }, { defaultStaticDir, startBrowserServer }] = await Promise.all([
    import('../dist/engine/engine.js'),
    import('../dist/engine/home.js'),
    import('../dist/engine/transport/server.js'),
  ]);
  const engine = new Engine(defaultHome());
  await engine.startLiveSync();
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  console.log('The desktop runtime (Electron) is not installed on this computer, so Casevault opens in your browser.');
  console.log(`If no browser window appears, open this address (it works once, on this computer only):\n${server.url}`);
  openInBrowser(server.url);
  const stop = () => server.close().then(() => engine.stopLiveSync()).then(() => engine.lock()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
