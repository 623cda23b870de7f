// `npm run dist`: the Linux installers, built offline from an Electron
// runtime already on this computer (ELECTRON_DIST=DIR or --electron-dist DIR,
// else the one `npx install-electron` fetched). electron-builder makes the
// app folder and the .tar.gz (with Debian's 7-Zip, not its own download);
// electron-installer-debian makes the .deb with dpkg-deb and fakeroot (where
// electron-builder's deb target would download fpm). With an update feed
// (--update-url or CASEVAULT_UPDATE_URL) the app carries it (app-update.yml)
// and latest-linux.yml is written for the feed. Other platforms' installers
// need a connected build machine: docs/desktop-app.md. Not part of the app
// (build/electron-builder.yml leaves it out); tests/electron/dist.test.ts
// runs it on a stand-in runtime.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkUpdateFeed } from './updates.js';

/** The app's root (this file runs from dist/electron/). */
export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(appDir, 'package.json'));

/** The desktop program's name: the package, its command and its icon (`casevault` is the command line's). */
export const DEB_NAME = 'casevault-desktop';

/** A mistake in how `npm run dist` was called (exit code 2). */
export class UsageError extends Error {}

export interface DistOptions {
  electronDist: string;
  out: string;
  updateUrl?: string;
}

interface Pkg {
  version: string;
  description: string;
  homepage: string;
  author: { name: string; email: string };
}

/** The Electron version the packaging is configured for (build/electron-builder.yml), which the runtime given must be. */
export function configuredElectron(dir = appDir): string {
  const m = /^electronVersion:\s*([\d.]+)\s*$/m.exec(readFileSync(join(dir, 'build', 'electron-builder.yml'), 'utf8'));
  if (!m?.[1]) throw new Error('build/electron-builder.yml names no electronVersion');
  return m[1];
}

/** The options from the command line and the environment; a runtime folder that is not one is refused before anything is built. */
export function distOptions(argv: readonly string[], env: NodeJS.ProcessEnv, dir = appDir): DistOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i] ?? '';
    if (!['--electron-dist', '--out', '--update-url'].includes(name))
      throw new UsageError(`unknown option ${name} (expected --electron-dist, --out or --update-url)`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  const version = configuredElectron(dir);
  const given = flags.get('--electron-dist') ?? env.ELECTRON_DIST;
  const installed = join(dir, 'node_modules', 'electron', 'dist');
  const electronDist = given ? resolve(given) : existsSync(join(installed, 'electron')) ? installed : undefined;
  if (!electronDist) {
    throw new UsageError(
      `no Electron runtime to package: set ELECTRON_DIST=DIR or pass --electron-dist DIR (the unpacked electron-v${version}-linux-x64.zip), or fetch it with npx install-electron`,
    );
  }
  if (!existsSync(join(electronDist, 'electron'))) throw new UsageError(`${electronDist} is not an Electron runtime folder: it has no program named electron`);
  let found: string;
  try {
    found = readFileSync(join(electronDist, 'version'), 'utf8').trim().replace(/^v/, '');
  } catch {
    throw new UsageError(`${electronDist} is not an Electron runtime folder: it has no version file`);
  }
  if (found !== version) throw new UsageError(`${electronDist} holds Electron ${found}, but the app is built for Electron ${version}`);
  const rawFeed = flags.get('--update-url') ?? env.CASEVAULT_UPDATE_URL;
  let updateUrl: string | undefined;
  try {
    updateUrl = rawFeed ? checkUpdateFeed(rawFeed) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { electronDist, out: resolve(dir, flags.get('--out') ?? 'release'), ...(updateUrl ? { updateUrl } : {}) };
}

/** electron-builder's arguments: the folder and the .tar.gz, never published from here. */
export function builderArgs(o: DistOptions): string[] {
  const args = ['--config', 'build/electron-builder.yml', '--linux', 'dir', 'tar.gz', '--publish', 'never'];
  args.push(`-c.electronDist=${o.electronDist}`, `-c.directories.output=${o.out}`);
  if (o.updateUrl) args.push('-c.publish.provider=generic', `-c.publish.url=${o.updateUrl}`);
  return args;
}

/** Debian's name for this machine's architecture (the runtime given is this machine's). */
export function debArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386' };
  const name = names[arch];
  if (!name) throw new UsageError(`a .deb cannot be built for the ${arch} architecture`);
  return name;
}

/** electron-installer-debian's options: the package's metadata, menu entry and icon. */
export function debOptions(o: DistOptions, pkg: Pkg, dir = appDir) {
  return {
    src: join(o.out, 'linux-unpacked'),
    dest: o.out,
    arch: debArch(),
    name: DEB_NAME,
    productName: 'Casevault',
    genericName: 'Case file vault',
    description: pkg.description,
    productDescription:
      "Keeps a union caseworker's case files encrypted: a vault folder mirrored, encrypted, to the cloud, with versioned backups, subject access search and a handover to a successor.",
    version: pkg.version,
    section: 'utils',
    homepage: pkg.homepage,
    maintainer: `${pkg.author.name} <${pkg.author.email}>`,
    bin: DEB_NAME,
    icon: { '512x512': join(dir, 'build', 'icons', 'icon.png') },
    categories: ['Office', 'Utility'],
    desktopTemplate: join(dir, 'build', 'linux', 'desktop.ejs'),
  };
}

/** The feed's description of the .deb (electron-updater's latest-linux.yml): its version, file, size and SHA-512. */
export function latestLinuxYml(version: string, file: string, bytes: Buffer, releaseDate: Date): string {
  const sha512 = createHash('sha512').update(bytes).digest('base64');
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${file}`,
    `    sha512: ${sha512}`,
    `    size: ${bytes.length}`,
    `path: ${file}`,
    `sha512: ${sha512}`,
    `releaseDate: '${releaseDate.toISOString()}'`,
    '',
  ].join('\n');
}

/** Build the three Linux artefacts (and the feed file with an update URL); returns their paths. */
export async function packageLinux(o: DistOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; tarGz: string; deb: string; feed?: string }> {
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as Pkg;
  const sevenZip = env.ELECTRON_BUILDER_7ZIP_PATH ?? (existsSync('/usr/bin/7za') ? '/usr/bin/7za' : undefined);
  const built = spawnSync(process.execPath, [require.resolve('electron-builder/cli.js'), ...builderArgs(o)], {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...env, ...(sevenZip ? { ELECTRON_BUILDER_7ZIP_PATH: sevenZip } : {}) },
  });
  if (built.status !== 0) throw new Error('electron-builder could not build the app folder and .tar.gz (its output above says why)');

  const deb = debOptions(o, pkg);
  // The .deb's copy says how it was installed, so the updater installs the next .deb (electron-updater reads resources/package-type);
  // the folder and the .tar.gz, already built, are replaced by hand and must not claim it.
  const packageType = join(deb.src, 'resources', 'package-type');
  // electron-builder leaves Electron's own licence as LICENSE.electron.txt; the package's copyright file is the app's.
  const licence = join(deb.src, 'LICENSE');
  await writeFile(packageType, 'deb');
  await writeFile(licence, await readFile(join(appDir, 'LICENSE')));
  try {
    const installer = require('electron-installer-debian') as (options: ReturnType<typeof debOptions>) => Promise<{ packagePaths: string[] }>;
    await installer(deb);
  } finally {
    await rm(packageType, { force: true });
    await rm(licence, { force: true });
  }
  const debFile = `${DEB_NAME}_${pkg.version}_${deb.arch}.deb`;
  const tarGz = (await readdir(o.out)).find((f) => f.endsWith(`-${pkg.version}.tar.gz`)) ?? 'no .tar.gz';
  const result = { dir: deb.src, tarGz: join(o.out, tarGz), deb: join(o.out, debFile) };
  for (const path of Object.values(result)) await stat(path); // each artefact is there, or the build fails here
  if (!o.updateUrl) return result;
  const feed = join(o.out, 'latest-linux.yml');
  await writeFile(feed, latestLinuxYml(pkg.version, debFile, await readFile(result.deb), new Date()));
  return { ...result, feed };
}

async function main() {
  let o: DistOptions;
  try {
    o = distOptions(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`npm run dist: ${e.message}.\n`);
    process.exit(2);
  }
  try {
    const made = await packageLinux(o);
    for (const [what, path] of Object.entries(made)) process.stdout.write(`${what.padEnd(6)} ${path}\n`);
  } catch (e) {
    process.stderr.write(`npm run dist: ${(e as Error).message}.\n`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
