// FolderRemote against the Remote contract, with its failures made real: the
// root folder renamed away (unreachable), a read-only bind mount or, not as
// root, read-only folder modes (permission), a small tmpfs (a full disk).
// Then what is the folder remote's own: it never makes its root folder, and
// how the file system's errors map to the failure classes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FolderFailures } from '../../engine/remotes/folder-errors.js';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { RemoteError, RemoteNotFound, RemotePermanent, RemoteUnavailable } from '../../engine/remotes/remote.js';
import { ANY_SIZE, remoteConformance, type RemoteFaults } from './conformance.js';

const asRoot = process.getuid?.() === 0;

/** Whether this process may mount (root, and not in a container that forbids it). */
function canMount(): boolean {
  if (!asRoot) return false;
  const probe = mkdtempSync(join(tmpdir(), 'cv-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const mounts = canMount();

async function chmodTree(dir: string, mode: number): Promise<void> {
  await chmod(dir, mode);
  for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory()) await chmodTree(join(dir, e.name), mode);
}

/** The faults of a folder remote at `dir`. */
function folderFaults(dir: string): RemoteFaults {
  const away = `${dir}.away`;
  let mounted = false;
  let readOnlyModes = false;
  const mount = (...args: string[]) => {
    execFileSync('mount', [...args, dir], { stdio: 'ignore' });
    mounted = true;
  };
  return {
    unavailable: async () => rename(dir, away),
    auth: 'a folder has no sign-in to refuse',
    permission: !asRoot
      ? async () => {
          await chmodTree(dir, 0o500);
          readOnlyModes = true;
        }
      : mounts
        ? async () => {
            mount('--bind', dir);
            execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'ignore' });
          }
        : 'running as root, where folder modes do not stop writes, and this machine refuses the read-only bind mount that would',
    full: mounts
      ? async () => mount('-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs')
      : 'filling a disk needs a small tmpfs, and only root may mount one (CI runs as root)',
    restore: async () => {
      if (mounted) {
        execFileSync('umount', [dir], { stdio: 'ignore' });
        mounted = false;
      }
      if (readOnlyModes) {
        await chmodTree(dir, 0o700);
        readOnlyModes = false;
      }
      if (existsSync(away)) {
        // The check behind "a folder remote never makes its root": nothing may stand where the root was.
        if (existsSync(dir)) throw new Error('the folder remote made its root folder again while it was away');
        await rename(away, dir);
      }
    },
  };
}

remoteConformance('FolderRemote', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cv-folder-remote-'));
  const faults = folderFaults(dir);
  return {
    remote: new FolderRemote(dir),
    faults,
    cleanup: async () => {
      try {
        await faults.restore();
      } finally {
        await rm(dir, { recursive: true, force: true });
        await rm(`${dir}.away`, { recursive: true, force: true });
      }
    },
  };
});

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cv-folder-'));
}

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

describe('FolderRemote specifics', () => {
  it('a root folder that is not there is never made: every method throws RemoteUnavailable naming the folder', async () => {
    const parent = await scratch();
    try {
      for (const root of [join(parent, 'unplugged'), join(parent, 'unplugged', 'deeper')]) {
        const r = new FolderRemote(root);
        const gone = (e: unknown) => {
          assert.ok(e instanceof RemoteUnavailable, String(e));
          assert.equal(e.message, `the cloud folder ${root} is not there; plug in its drive or connect its share, then try again`);
          return true;
        };
        await assert.rejects(r.put('casevault.key', Buffer.from('k')), gone);
        await assert.rejects(
          r.put(
            'objects/ab/abcd',
            (async function* () {
              yield Buffer.from('k');
            })(),
          ),
          gone,
        );
        await assert.rejects(r.read('casevault.key', ANY_SIZE), gone);
        await assert.rejects(drain(r.get('casevault.key')), gone);
        await assert.rejects(r.stat('casevault.key'), gone);
        await assert.rejects(drain(r.list('')), gone);
        await assert.rejects(drain(r.list('objects/')), gone);
        await assert.rejects(r.listNames('objects/'), gone);
        await assert.rejects(r.move('objects/ab/abcd', 'trash/x'), gone);
        await assert.rejects(r.delete('objects/ab/abcd'), gone);
        await r.flush();
        assert.ok(!existsSync(root), 'the root was not made');
      }
      assert.deepEqual(await readdir(parent), []);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('a root that is a file is not there either; the backup folder says so in its own words', async () => {
    const parent = await scratch();
    try {
      const root = join(parent, 'cloud');
      await writeFile(root, 'not a folder');
      await assert.rejects(new FolderRemote(root).put('objects/ab/abcd', Buffer.from('x')), RemoteUnavailable);
      await assert.rejects(new FolderRemote(root).read('casevault.key', ANY_SIZE), RemoteUnavailable);
      await assert.rejects(new FolderRemote(root, 'backup folder').stat('config'), {
        message: `the backup folder ${root} is not there; plug in its drive or connect its share, then try again`,
      });
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('a writer whose root went away and came back writes again; a sub-folder removed behind its back is made again', async () => {
    const root = await scratch();
    try {
      const r = new FolderRemote(root);
      await r.put('objects/ab/ab01', Buffer.from('1'));
      await rename(root, `${root}.away`);
      await assert.rejects(r.put('objects/ab/ab02', Buffer.from('2')), RemoteUnavailable);
      await rename(`${root}.away`, root);
      await r.put('objects/ab/ab02', Buffer.from('2'));
      await rm(join(root, 'objects'), { recursive: true });
      await rm(join(root, 'tmp'), { recursive: true });
      await r.put('objects/ab/ab03', Buffer.from('3'));
      await r.put(
        'objects/ab/ab04',
        (async function* () {
          yield Buffer.from('4');
        })(),
      );
      await r.put('trash/t/ab03', Buffer.from('old'));
      await rm(join(root, 'trash'), { recursive: true });
      await r.move('objects/ab/ab03', 'trash/t/ab03');
      await r.flush();
      assert.equal(Buffer.from(await r.read('trash/t/ab03', ANY_SIZE)).toString(), '3');
      assert.equal(Buffer.from(await r.read('objects/ab/ab04', ANY_SIZE)).toString(), '4');
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(`${root}.away`, { recursive: true, force: true });
    }
  });

  it('under a root that is there, absent stays absent: stat undefined, a missing prefix lists empty, a folder is no object', async () => {
    const root = await scratch();
    try {
      const r = new FolderRemote(root);
      await r.put('objects/ab/abcd', Buffer.from('x'));
      assert.equal(await r.stat('objects/zz/none'), undefined);
      assert.equal(await r.stat('objects/ab/abcd/below-a-file'), undefined);
      assert.deepEqual(await r.listNames('trash/'), []);
      for await (const _ of r.list('trash/')) assert.fail('nothing to list');
      await assert.rejects(r.read('objects/ab', ANY_SIZE), RemoteNotFound);
      await assert.rejects(drain(r.get('objects/ab')), RemoteNotFound);
      await assert.rejects(r.read('objects/ab/abcd/below-a-file', ANY_SIZE), RemoteNotFound);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('file-system errors as failure classes', () => {
  const sys = (code: string) => Object.assign(new Error(`${code}: at /vault/secret name`), { code, syscall: 'open' });

  it('maps each code to its class, in words that carry no path from the error', async () => {
    const root = await scratch();
    try {
      const f = new FolderFailures(root, 'cloud folder');
      const expect: Array<[string, string, string?]> = [
        ['EACCES', 'permanent', 'permission'],
        ['EPERM', 'permanent', 'permission'],
        ['EROFS', 'permanent', 'permission'],
        ['ENOSPC', 'permanent', 'full'],
        ['EDQUOT', 'permanent', 'full'],
        ['EIO', 'unavailable'],
        ['ESTALE', 'unavailable'],
        ['ENOTCONN', 'unavailable'],
        ['ETIMEDOUT', 'unavailable'],
        ['EMFILE', 'unavailable'],
        ['ENOENT', 'unavailable'], // under a root that is there: the folder changed while it was used
        ['EINVAL', 'permanent', 'refused'],
        ['ENAMETOOLONG', 'permanent', 'refused'],
        ['EFBIG', 'permanent', 'refused'],
        ['ENOTDIR', 'permanent', 'refused'],
      ];
      for (const [code, failure, reason] of expect) {
        const e = f.failure(sys(code));
        assert.ok(e instanceof RemoteError, code);
        assert.equal(e.failure, failure, code);
        if (reason) assert.equal((e as RemotePermanent).reason, reason, code);
        assert.doesNotMatch(e.message, /secret/, code);
      }
      assert.match((f.failure(sys('ENOSPC')) as Error).message, /^the cloud folder's disk is full/);
      assert.match((f.failure(sys('EISDIR')) as Error).message, /is in the way of Casevault's own/);
      const bug = new TypeError('not the file system');
      assert.equal(f.failure(bug), bug);
      const nodeOwn = Object.assign(new Error('rm of a folder'), { code: 'ERR_FS_EISDIR' });
      assert.equal(f.failure(nodeOwn), nodeOwn);
      assert.equal(f.absent(sys('ENOENT')), true);
      assert.equal(f.absent(sys('EACCES')), false);

      const gone = new FolderFailures(join(root, 'missing'), 'backup folder');
      assert.ok(gone.failure(sys('ENOENT')) instanceof RemoteUnavailable);
      assert.ok(gone.failure(sys('ENOTDIR')) instanceof RemoteUnavailable);
      assert.throws(() => gone.absent(sys('ENOENT')), RemoteUnavailable);
      assert.equal((gone.failure(sys('EACCES')) as RemotePermanent).reason, 'permission', 'not a root check: the code says what happened');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
