// Builds the remote a vault's settings name.
import type { CloudSpec } from '../config.js';
import { UsageError } from '../errors.js';
import { FolderRemote } from './folder.js';
import type { Remote } from './remote.js';

export function openRemote(cloud: CloudSpec, _env: NodeJS.ProcessEnv): Remote {
  switch (cloud.kind) {
    case 'folder':
      return new FolderRemote(cloud.dir);
    case 'dropbox':
      throw new UsageError('Dropbox is not available in this build yet; use a Dropbox sync folder with --cloud DIR');
  }
}
