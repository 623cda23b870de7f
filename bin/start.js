#!/usr/bin/env node
// `npm start`: the desktop app where Electron's runtime is installed;
// otherwise (a locked-down network kept it from downloading) the same app in
// the browser, served on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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

function openInBrowser(url) {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {}); // no browser launcher: the printed address is enough
  child.unref();
}

const electron = electronBinary();
if (electron) {
  const child = spawn(electron, [appDir], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const [{ Engine }, { defaultHome }, { defaultStaticDir, startBrowserServer }] = await Promise.all([
    import('../dist/engine/engine.js'),
    import('../dist/engine/home.js'),
    import('../dist/engine/server.js'),
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
