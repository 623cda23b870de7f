// The AWS SDK is loaded only for S3: a vault whose cloud and backups are
// folders syncs, backs up and verifies without it ever being loaded, and an
// S3 storage made for an s3:// location loads it at its first request, not
// when it is made. (The SDK is CommonJS, so whatever loads it shows in
// require's cache.)
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { repoStorageAt } from '../../engine/backup/storage.js';
import type { S3Storage } from '../../engine/remotes/s3/storage.js';
import { makeVault } from '../helpers/vault.js';

const require = createRequire(import.meta.url);
const sdkLoaded = () => Object.keys(require.cache).some((k) => k.includes(`${'@aws-sdk'}/client-s3`));

test('a folder vault never loads the AWS SDK; an S3 storage loads it at its first request', async () => {
  const v = await makeVault({ files: { 'case/a.txt': 'member notes' }, synced: true, backedUp: true, unlocked: true });
  assert.equal((await v.engine.verifyCloud()).bad.length, 0);
  assert.equal(sdkLoaded(), false, 'sync, backup and verify of a folder vault load no SDK');

  const storage = repoStorageAt('s3://union-backups/branch-7/alice', async () => ({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    accessKeyId: 'k',
    secretAccessKey: 's',
  })) as S3Storage;
  assert.equal(sdkLoaded(), false, 'making an S3 storage loads nothing');
  await storage.remote.sdk();
  assert.equal(sdkLoaded(), true, 'its first request loads the SDK');
});
