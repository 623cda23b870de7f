// A sync pass whose S3 gateway goes away part way (outside probe B, 10d):
// from the third object upload on, the fault proxy in front of Ceph's
// gateway drops every connection without an answer. Once one request has
// spent its attempts, the pass's other uploads fail at once with the same
// reason, so the pass ends after a bounded number of requests whatever the
// number of files waiting; with the gateway back, the next pass uploads
// them all.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { RemoteUnavailable } from '../../engine/remotes/remote.js';
import type { SyncReport } from '../../contract/index.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/fs.js';
import type { S3Server } from '../helpers/s3.js';
import { writeFiles, type Files } from '../helpers/vault.js';
import { describeS3Proxied, FaultProxy } from './fault-proxy.js';

let server: S3Server;
let proxy: FaultProxy;

const WAITING = 60;
/** Attempts per request (the S3 client's default) and uploads at once in a pass (sync.ts). */
const ATTEMPTS = 8;
const AT_ONCE = 8;
const GONE = 'the S3 storage is not answering or is busy; Casevault will try again later';

describeS3Proxied(
  'sync on S3 storage whose gateway goes away part way (Ceph)',
  (s, p) => {
    server = s;
    proxy = p;
  },
  () => {
    it('the pass gives up after one request spends its attempts, not one per file; the next pass uploads them all', async () => {
      const bucket = await server.makeBucket();
      const root = await tempDir('s3-outage');
      const vault = join(root, 'Cases');
      const files: Files = {};
      for (let i = 0; i < WAITING; i++) files[`member-${i}/notes.txt`] = `case note ${i}`;
      await mkdir(vault);
      await writeFiles(vault, files);
      const env = { ...server.env, CASEVAULT_S3_ENDPOINT: proxy.url, CASEVAULT_HOME: join(root, 'home'), CASEVAULT_KDF_PROFILE: 'interactive' };
      // Short waits between attempts (their number is the default): the test counts requests, never time.
      const engine = new Engine(env.CASEVAULT_HOME, env, undefined, { retry: { baseDelayMs: 1, maxDelayMs: 4 } });
      await engine.init({ vaultDir: vault, cloud: { kind: 's3', bucket, prefix: 'erin' }, passphrase: PASSPHRASE });

      let uploads = 0;
      let sinceGone = 0;
      proxy.onRequest = (r) => {
        if (sinceGone > 0 || (r.startsWith('PUT ') && r.includes('/objects/') && ++uploads === 3)) {
          if (sinceGone === 0) proxy.inject('drop'); // this request and every one after it: no answer
          sinceGone++;
        }
      };
      const outcome = await engine.sync().catch((e: unknown) => e);
      proxy.onRequest = undefined;
      proxy.clear();
      assert.ok(sinceGone > 0, 'the gateway went away part way through the pass');
      if (outcome instanceof Error) {
        assert.ok(outcome instanceof RemoteUnavailable, String(outcome));
        assert.equal(outcome.message, GONE);
      } else for (const f of (outcome as SyncReport).failed) assert.equal(f.reason, GONE);
      // Without the shared breaker every waiting file spent its own attempts: about WAITING * ATTEMPTS requests.
      assert.ok(sinceGone <= AT_ONCE * ATTEMPTS + ATTEMPTS, `${sinceGone} requests after the gateway went away`);

      const again = await engine.sync();
      assert.deepEqual(again.failed, []);
      assert.equal((await engine.status()).files.synced, WAITING);
    });
  },
);
