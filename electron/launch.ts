// `npm start` (bin/start.js): the desktop app where Electron's runtime is on
// this computer; otherwise (a locked-down network) the same app in the
// browser, served on 127.0.0.1. Runs in plain Node, not in Electron.
//
// It never loads the `electron` package: since Electron 42 that package
// downloads the runtime on first use, synchronously and with no time limit,
// so a computer that cannot reach the download would wait there in silence.
// Here the download is tried at most once a day, said aloud, and cut off.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's root (this file runs from dist/electron/): Electron reads package.json's "main" there. */
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** How long `npm start` waits for the runtime's download before it opens the browser instead. */
export const FETCH_TIMEOUT_MS = 60_000;
const FETCH_EVERY_MS = 24 * 3_600_000;

/** The installed `electron` package's folder, or undefined (installed without dev dependencies). */
function electronPackageDir(): string | undefined {
  try {
    return dirname(createRequire(join(appDir, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** The runtime the `electron` package has downloaded (found the way its index.js finds it), if it is there. */
export function electronBinary(packageDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let rel: string | undefined;
  try {
    rel = readFileSync(join(packageDir, 'path.txt'), 'utf8');
  } catch {
    rel = undefined; // never downloaded
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, rel || 'electron') : rel ? join(packageDir, 'dist', rel) : undefined;
  return path && existsSync(path) ? path : undefined;
}

/** Run the `electron` package's own download, at most once a day and for FETCH_TIMEOUT_MS at most. */
function fetchElectron(packageDir: string): void {
  const marker = join(appDir, 'node_modules', '.casevault-electron-tried');
  try {
    if (Date.now() - statSync(marker).mtimeMs < FETCH_EVERY_MS) return;
  } catch {
    // never tried
  }
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, '');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const seconds = FETCH_TIMEOUT_MS / 1000;
  console.log(
    `Fetching the desktop runtime (Electron ${version}, about 100 MB) once; if it is not here within ${seconds} seconds, Casevault opens in your browser.`,
  );
  const run = spawnSync(process.execPath, [join(packageDir, 'install.js')], { cwd: packageDir, stdio: 'ignore', timeout: FETCH_TIMEOUT_MS });
  if (run.status === 0) return;
  console.log(
    run.signal
      ? `The desktop runtime did not arrive within ${seconds} seconds. To fetch it with no time limit, run \`npx install-electron\` in ${appDir}.`
      : 'The desktop runtime could not be fetched (its download site is out of reach from this computer).',
  );
}

function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {
    // no browser launcher: the printed address is enough
  });
  child.unref();
}

async function browserMode(): Promise<void> {
  const { Engine, defaultHome, defaultStaticDir, startBrowserServer } = await import('../engine/index.js');
  const engine = new Engine(defaultHome());
  await engine.startLiveSync();
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  console.log('The desktop runtime (Electron) is not installed on this computer, so Casevault opens in your browser.');
  console.log(`If no browser window appears, open this address (it works once, on this computer only):\n${server.url}`);
  openInBrowser(server.url);
  const stop = () =>
    server
      .close()
      .then(() => engine.stopLiveSync())
      .then(() => engine.lock())
      .then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function start(): Promise<void> {
  const packageDir = electronPackageDir();
  let electron = packageDir && electronBinary(packageDir);
  if (packageDir && !electron) {
    fetchElectron(packageDir);
    electron = electronBinary(packageDir);
  }
  if (electron) {
    const child = spawn(electron, [appDir], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
  } else {
    await browserMode();
  }
}
