// `npm start` finds Electron's runtime the way the `electron` package does,
// without loading that package (which would download the runtime with no
// time limit).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { electronBinary } from '../../electron/launch.js';
import { tempDir } from '../helpers/fs.js';

test('the runtime is found where the electron package put it, and only if it is there', async () => {
  const pkg = await tempDir('electron-pkg');
  assert.equal(electronBinary(pkg, {}), undefined, 'never downloaded: no path.txt');
  await writeFile(join(pkg, 'path.txt'), 'electron');
  assert.equal(electronBinary(pkg, {}), undefined, 'path.txt but no runtime (an interrupted download)');
  await mkdir(join(pkg, 'dist'));
  await writeFile(join(pkg, 'dist', 'electron'), '');
  assert.equal(electronBinary(pkg, {}), join(pkg, 'dist', 'electron'));
});

test('ELECTRON_OVERRIDE_DIST_PATH points at a runtime elsewhere, as it does for the electron package', async () => {
  const pkg = await tempDir('electron-pkg');
  const elsewhere = await tempDir('electron-dist');
  assert.equal(electronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: elsewhere }), undefined);
  await writeFile(join(elsewhere, 'electron'), '');
  assert.equal(electronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: elsewhere }), join(elsewhere, 'electron'));
});
