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
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
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

/** A page opened in the person's browser, and the private file that opened it. */
export interface Opened {
  /** Settles when the launcher (xdg-open, open, start) has exited or could not be run. */
  launched: Promise<void>;
  /** Remove the redirect file (its link is useless once used or once the server stops). */
  close(): Promise<void>;
}

/**
 * Opens `url` in the person's browser without putting it on a command line
 * (every local user can read another's in /proc, and the link's one-time
 * token would let them in first): the launcher gets a redirect page in a
 * folder only this user can enter (mkdtemp: 0700), itself readable only by
 * this user (0600).
 */
export async function openInBrowser(url: string): Promise<Opened> {
  const dir = await mkdtemp(join(tmpdir(), 'casevault-open-'));
  const file = join(dir, 'open-casevault.html');
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  await writeFile(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Casevault</title><a href="${href}">Open Casevault</a>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', file]] : ['xdg-open', [file]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  const launched = new Promise<void>((resolve) => {
    child.once('error', () => resolve()); // no browser launcher: the printed address is enough
    child.once('exit', () => resolve());
  });
  child.unref();
  return { launched, close: () => rm(dir, { recursive: true, force: true }) };
}

async function browserMode(): Promise<void> {
  const { Engine, defaultHome, defaultStaticDir, startBrowserServer } = await import('../engine/index.js');
  const engine = new Engine(defaultHome());
  await engine.startLiveSync();
  const server = await startBrowserServer(engine, { staticDir: defaultStaticDir() });
  console.log('The desktop runtime (Electron) is not installed on this computer, so Casevault opens in your browser.');
  console.log(`If no browser window appears, open this address (it works once, on this computer only):\n${server.url}`);
  console.log('To open Casevault again after closing the browser, press Enter here.');
  let opened = await openInBrowser(server.url);
  // Enter: a new one-time link (the earlier one stops working), opened the same private way.
  createInterface({ input: process.stdin }).on('line', () => {
    const link = server.newLink();
    void opened
      .close()
      .then(() => openInBrowser(link))
      .then((o) => {
        opened = o;
        console.log(`Opened Casevault again. If no browser window appears, open this address (it works once):\n${link}`);
      });
  });
  const stop = () =>
    opened
      .close()
      .then(() => server.close())
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
