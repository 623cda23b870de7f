// `npm run dist` on a stand-in Electron runtime (a folder shaped like one:
// a script named `electron` carrying Electron's fuse wire, its version file,
// its sandbox helper and licence): the packaging itself runs for real,
// electron-builder for the folder and .tar.gz, electron-installer-debian for
// the .deb, and the .deb is installed with `dpkg -i` into a throwaway root
// and listed with `dpkg -L`. Runs where Debian's dpkg, fakeroot and 7-Zip are
// (`.ci/run` installs them, and under CI a missing tool fails the test);
// elsewhere it is skipped with the reason. The option checks run everywhere.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { appDir, builderArgs, configuredElectron, DEB_NAME, debArch, distOptions, packageLinux, UsageError } from '../../electron/package-linux.js';
import { exists, tempDir } from '../helpers/fs.js';

/** Electron's fuse wire: sentinel, version 1, eight fuses, as Electron ships them ('1' on, '0' off) before the build flips them. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const SHIPPED = '10110001';

async function standInRuntime(): Promise<string> {
  const dir = join(await tempDir('electron-dist'), 'dist');
  await mkdir(join(dir, 'resources'), { recursive: true });
  const script = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# A stand-in for Electron's program. Its fuse wire: ${SENTINEL}`),
    Buffer.from([1, SHIPPED.length]),
    Buffer.from(`${SHIPPED}\necho "stand-in electron"\n`),
  ]);
  await writeFile(join(dir, 'electron'), script);
  await chmod(join(dir, 'electron'), 0o755);
  await writeFile(join(dir, 'chrome-sandbox'), '#!/bin/sh\n');
  await chmod(join(dir, 'chrome-sandbox'), 0o755);
  await writeFile(join(dir, 'version'), configuredElectron());
  await writeFile(join(dir, 'LICENSE'), 'Copyright (c) Electron contributors (stand-in)\n');
  return dir;
}

/** The fuse wire in a packaged program, as the characters '0', '1' (or 'r', removed). */
async function fuses(program: string): Promise<string> {
  const bytes = await readFile(program);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + (bytes[at + 1] ?? 0)).toString('latin1');
}

const tools = ['dpkg', 'dpkg-deb', 'fakeroot', '7za'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skip = tools.length > 0 && !process.env.CI ? `needs ${tools.join(', ')} (Debian: dpkg, fakeroot, p7zip-full; .ci/run installs them)` : false;

test('the runtime to package comes from --electron-dist, else ELECTRON_DIST; a folder that is not one, or another version, is refused', async () => {
  const runtime = await standInRuntime();
  const viaFlag = distOptions(['--electron-dist', runtime, '--out', '/tmp/out'], { ELECTRON_DIST: '/nowhere' });
  assert.equal(viaFlag.electronDist, runtime);
  assert.equal(viaFlag.out, '/tmp/out');
  assert.equal(viaFlag.updateUrl, undefined);
  assert.equal(distOptions([], { ELECTRON_DIST: runtime }).electronDist, runtime);
  assert.equal(distOptions([], { ELECTRON_DIST: runtime }).out, join(appDir, 'release'));
  const feed = distOptions(['--update-url', 'https://updates.union.example/casevault'], { ELECTRON_DIST: runtime });
  assert.deepEqual(builderArgs(feed).slice(-2), ['-c.publish.provider=generic', '-c.publish.url=https://updates.union.example/casevault/']);
  assert.throws(() => distOptions(['--update-url', 'http://updates.union.example/'], { ELECTRON_DIST: runtime }), { name: 'Error', message: /https/ });
  assert.throws(() => distOptions(['--update-url', 'http://updates.union.example/'], { ELECTRON_DIST: runtime }), UsageError);
  const empty = await tempDir('not-electron');
  assert.throws(() => distOptions(['--electron-dist', empty], {}), /has no program named electron/);
  await writeFile(join(empty, 'electron'), '');
  await writeFile(join(empty, 'version'), '39.2.0');
  assert.throws(
    () => distOptions(['--electron-dist', empty], {}),
    new RegExp(`holds Electron 39.2.0, but the app is built for Electron ${configuredElectron()}`),
  );
  assert.throws(() => distOptions(['--electron-dist'], {}), /needs a value/);
  assert.throws(() => distOptions(['--electrondist', runtime], {}), /unknown option --electrondist/);
});

test(
  'npm run dist with no runtime here says how to give one, with exit code 2',
  { skip: process.env.ELECTRON_DIST ? 'ELECTRON_DIST is set' : false },
  async () => {
    const run = spawnSync(process.execPath, [join(appDir, 'dist', 'electron', 'package-linux.js'), '--electron-dist', join(await tempDir('none'), 'missing')], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^npm run dist: .* has no program named electron\.\n$/);
  },
);

test('with a stand-in runtime, the folder, the .tar.gz and a .deb that dpkg installs and lists', { skip }, async () => {
  assert.deepEqual(tools, [], 'under CI every packaging tool must be installed');
  const out = join(await tempDir('release'), 'release');
  const o = distOptions(['--electron-dist', await standInRuntime(), '--out', out, '--update-url', 'https://updates.union.example/casevault/'], {});
  const made = await packageLinux(o, { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' });

  // The folder: the app in its ASAR with the feed, the fuses flipped as configured, no package-type (it is not an installed .deb).
  assert.ok(await exists(join(made.dir, 'resources', 'app.asar')));
  assert.equal(
    await fuses(join(made.dir, DEB_NAME)),
    '01001100',
    'run-as-node, NODE_OPTIONS and --inspect off; cookie encryption, ASAR integrity and ASAR-only on',
  );
  assert.match(
    await readFile(join(made.dir, 'resources', 'app-update.yml'), 'utf8'),
    /provider: generic\n(.*\n)*url: https:\/\/updates\.union\.example\/casevault\//,
  );
  assert.equal(await exists(join(made.dir, 'resources', 'package-type')), false);
  const tarList = execFileSync('tar', ['-tzf', made.tarGz], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
  assert.ok(tarList.some((f) => f.endsWith(`/${DEB_NAME}`)));
  assert.ok(tarList.some((f) => f.endsWith('/resources/app.asar')));

  // The .deb's metadata.
  const field = (name: string) => execFileSync('dpkg-deb', ['-f', made.deb, name], { encoding: 'utf8' }).trim();
  assert.equal(field('Package'), DEB_NAME);
  assert.equal(field('Architecture'), debArch());
  assert.match(field('Maintainer'), /^.+ <.+@.+>$/);
  assert.match(field('Homepage'), /^https:\/\//);
  assert.match(field('Depends'), /libgtk-3-0|libgtk/);

  // Installed for real with dpkg, into a throwaway root (its dependencies are not there, hence --force-depends).
  const root = await tempDir('deb-root');
  await mkdir(join(root, 'var', 'lib', 'dpkg', 'updates'), { recursive: true });
  await mkdir(join(root, 'var', 'lib', 'dpkg', 'info'), { recursive: true });
  await writeFile(join(root, 'var', 'lib', 'dpkg', 'status'), '');
  const dpkg = (...args: string[]) =>
    execFileSync('dpkg', [`--root=${root}`, '--force-not-root', '--force-depends', '--force-script-chrootless', ...args], { encoding: 'utf8' });
  dpkg('-i', made.deb);
  const listed = dpkg('-L', DEB_NAME).split('\n');
  const lib = `/usr/lib/${DEB_NAME}`;
  for (const f of [
    `/usr/bin/${DEB_NAME}`,
    `${lib}/${DEB_NAME}`,
    `${lib}/resources/app.asar`,
    `${lib}/resources/app-update.yml`,
    `${lib}/resources/package-type`,
    `${lib}/chrome-sandbox`,
    `/usr/share/applications/${DEB_NAME}.desktop`,
    `/usr/share/icons/hicolor/512x512/apps/${DEB_NAME}.png`,
    `/usr/share/doc/${DEB_NAME}/copyright`,
  ]) {
    assert.ok(listed.includes(f), `dpkg -L lists ${f}`);
  }
  assert.equal(await readFile(join(root, lib, 'resources', 'package-type'), 'utf8'), 'deb', 'the installed copy updates itself with the next .deb');
  const desktop = await readFile(join(root, 'usr', 'share', 'applications', `${DEB_NAME}.desktop`), 'utf8');
  assert.match(desktop, new RegExp(`\\nExec=${DEB_NAME}\\n`));
  assert.match(desktop, new RegExp(`\\nIcon=${DEB_NAME}\\n`));
  assert.match(await readFile(join(root, 'usr', 'share', 'doc', DEB_NAME, 'copyright'), 'utf8'), /GNU AFFERO GENERAL PUBLIC LICENSE/);
  assert.match(execFileSync('dpkg-deb', ['-c', made.deb], { encoding: 'utf8' }), /-rwsr-xr-x .*\/chrome-sandbox\n/, "Chromium's sandbox helper is setuid");

  // The feed file describes the .deb exactly (electron-updater checks the download against this SHA-512).
  const yml = await readFile(made.feed!, 'utf8');
  const bytes = await readFile(made.deb);
  assert.match(yml, new RegExp(`^version: ${JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')).version}\n`));
  assert.ok(yml.includes(`sha512: ${createHash('sha512').update(bytes).digest('base64')}\n`));
  assert.ok(yml.includes(`size: ${bytes.length}\n`));
});
