// A real full disk (a small tmpfs, where this machine lets root mount one):
// sync, backup and restore fail with one clear sentence, leave nothing
// half-written under a real name, and complete once there is room again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PASSPHRASE, run, type RunResult } from '../helpers/cli.js';
import { listFiles, readTree, tempDir } from '../helpers/fs.js';
import { type Files, makeVault, writeFiles } from '../helpers/vault.js';

function mountSmall(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const grow = (dir: string) => execFileSync('mount', ['-o', 'remount,size=96m', dir], { stdio: 'ignore' });
const unmount = (dir: string) => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });

async function canMount(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const probe = await tempDir('mount-probe');
  if (!mountSmall(probe, '1m')) return false;
  unmount(probe);
  return true;
}
const skip = (await canMount()) ? false : 'mounting a small tmpfs needs root (CI runs as root)';

function assertFull(r: RunResult, what: RegExp): void {
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr.trim().split('\n').at(-1)!, /^casevault: .+[.!?]$/);
  assert.match(r.stderr + r.stdout, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal/);
}

/** A vault's files, ~12 MiB: two large files and many small ones. */
function bigFiles(): Files {
  const files: Files = { 'scan-1.pdf': randomBytes(5 * 1024 * 1024), 'scan-2.pdf': randomBytes(5 * 1024 * 1024) };
  for (let i = 0; i < 40; i++) files[`cases/note ${i}.txt`] = randomBytes(40_000);
  return files;
}

/** The vault folder for a test that mounts a small disk before the vault is set up (so it cannot use makeVault). */
async function vaultWith(root: string): Promise<string> {
  const vault = join(root, 'vault');
  await writeFiles(vault, bigFiles());
  return vault;
}

test("the cloud folder's disk fills up during sync: exit 1 saying so, then the next sync converges to an exact mirror", { skip }, async () => {
  const root = await tempDir('full-cloud');
  const vault = await vaultWith(root);
  const cloud = join(root, 'cloud');
  await mkdir(cloud);
  assert.ok(mountSmall(cloud, '4m'));
  try {
    const env = { CASEVAULT_HOME: join(root, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE };
    assert.equal((await run(['init', '--vault', vault, '--cloud', cloud], env)).code, 0);
    assertFull(await run(['sync'], env), /disk is full/);
    assert.ok(!(await listFiles(cloud)).some((f) => f.startsWith('objects/') && f.includes('.casevault-tmp-')), 'no partial object left under objects/');
    grow(cloud);
    const again = await run(['sync'], env);
    assert.equal(again.code, 0, again.stderr);
    const v = await run(['verify', '--cloud'], env);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  } finally {
    unmount(cloud);
  }
});

test('the backup drive fills up: exit 1 saying so, the repository stays valid, and the next backup completes it', { skip }, async () => {
  const root = await tempDir('full-usb');
  const vault = await vaultWith(root);
  const usb = join(root, 'usb');
  await mkdir(usb);
  assert.ok(mountSmall(usb, '4m'));
  try {
    const env = { CASEVAULT_HOME: join(root, 'home'), CASEVAULT_PASSPHRASE: PASSPHRASE };
    assert.equal((await run(['init', '--vault', vault, '--cloud', join(root, 'cloud'), '--backup', usb], env)).code, 0);
    assertFull(await run(['backup'], env), /full/);
    grow(usb);
    const b = await run(['backup'], env);
    assert.equal(b.code, 0, b.stderr);
    const v = await run(['verify', '--backup'], env);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const to = join(root, 'restored');
    assert.equal((await run(['restore', '--to', to], env)).code, 0);
    const want = await readTree(vault);
    const got = await readTree(to);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
  } finally {
    unmount(usb);
  }
});

test('the disk being restored to fills up: exit 1 saying so, no half-written file under a real name, and restoring again completes', { skip }, async () => {
  const { root, vault, env } = await makeVault({ files: bigFiles(), backup: true });
  assert.equal((await run(['backup'], env)).code, 0);
  const to = join(root, 'small-drive');
  await mkdir(to);
  assert.ok(mountSmall(to, '6m'));
  try {
    const want = await readTree(vault);
    assertFull(await run(['restore', '--to', to], env), /full/);
    for (const [p, d] of await readTree(to)) {
      if (p.split('/').at(-1)!.startsWith('.casevault-tmp-')) continue;
      assert.ok(want.get(p)?.equals(d), `${p} is not a complete file`);
    }
    grow(to);
    const again = await run(['restore', '--to', to], env);
    assert.equal(again.code, 0, again.stderr);
    const got = await readTree(to);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [p, d] of want) assert.ok(got.get(p)!.equals(d), p);
  } finally {
    unmount(to);
  }
});
