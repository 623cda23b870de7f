// FolderRemote against the Remote contract.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderRemote } from '../../engine/remotes/folder.js';
import { remoteConformance } from './conformance.js';

remoteConformance('FolderRemote', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cv-folder-remote-'));
  return {
    remote: new FolderRemote(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
