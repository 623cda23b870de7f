// The real S3 server of the S3 tests: Ceph's S3 gateway, started by
// tests/s3/start.sh once per test file (tried again if it fails) under a watchdog that stops it if
// this process dies (a killed test run leaves no daemons), and stopped by
// stop() when the file's tests end (describeS3 does both). Where Ceph is not
// installed the tests are skipped with that reason in plain view; under CI
// they fail instead, since .ci/run installs it.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Connection } from '../../engine/remotes/s3/location.js';

const SCRIPTS = fileURLToPath(new URL('../../../tests/s3/', import.meta.url));
const TOOLS = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin'];

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, tool)));
}

/** Why the S3 tests cannot run here (undefined: they can). Under CI a missing Ceph is a failure, not a skip. */
export function s3SkipReason(): string | undefined {
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length === 0) return undefined;
  const reason = `Ceph's S3 gateway is not installed (${missing.join(', ')} missing): apt-get install ceph-mon ceph-osd radosgw`;
  if (process.env.CI === '1' || process.env.CI === 'true') throw new Error(`${reason}; CI must run the S3 tests`);
  return reason;
}

export interface S3Server {
  /** The gateway's own address; the tests' fault proxy sits in front of it. */
  endpoint: string;
  conn: S3Connection;
  /** CASEVAULT_S3_* for a `casevault` run against this server. */
  env: Record<string, string>;
  /** An SDK client of the test's own (the administrator's side: making buckets). */
  admin: S3Client;
  /** radosgw-admin on this cluster (users, quotas). */
  rgwAdmin(args: string[]): string;
  /** A fresh bucket, with Object Lock where asked. */
  makeBucket(o?: { objectLock?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

let buckets = 0;

/**
 * Runs start.sh, again after a failed start (a busy machine has seen one:
 * a daemon slow or a port taken meanwhile); a start that fails every time
 * throws with what start.sh said of each.
 */
async function startCluster(attempts = 3): Promise<string> {
  const said: string[] = [];
  for (let i = 1; i <= attempts; i++) {
    try {
      const { stdout } = await promisify(execFile)('bash', [join(SCRIPTS, 'start.sh'), '--watch', String(process.pid)], { timeout: 240_000 });
      return stdout;
    } catch (e) {
      const { stderr, message } = e as { stderr?: string; message: string };
      said.push(`attempt ${i}: ${stderr?.trim() || message}`);
    }
  }
  throw new Error(`Ceph's S3 gateway did not start:\n${said.join('\n')}`);
}

export async function startS3Server(): Promise<S3Server> {
  const stdout = await startCluster();
  const vars = Object.fromEntries(
    stdout
      .split('\n')
      .map((l) => /^(CASEVAULT_S3_[A-Z_]+)=(.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  const dir = vars.CASEVAULT_S3_DIR!;
  const conn: S3Connection = {
    endpoint: vars.CASEVAULT_S3_ENDPOINT!,
    region: 'us-east-1',
    accessKeyId: vars.CASEVAULT_S3_ACCESS_KEY_ID!,
    secretAccessKey: vars.CASEVAULT_S3_SECRET_ACCESS_KEY!,
  };
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const admin = new S3Client({ endpoint: conn.endpoint, region: conn.region, forcePathStyle: true, credentials: conn });
  return {
    endpoint: conn.endpoint!,
    conn,
    env: {
      CASEVAULT_S3_ENDPOINT: conn.endpoint!,
      CASEVAULT_S3_ACCESS_KEY_ID: conn.accessKeyId,
      CASEVAULT_S3_SECRET_ACCESS_KEY: conn.secretAccessKey,
      CASEVAULT_S3_REGION: conn.region,
    },
    admin,
    rgwAdmin: (args) => execFileSync('radosgw-admin', ['-c', join(dir, 'ceph.conf'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    async makeBucket(o = {}) {
      const name = `cv-${process.pid}-${++buckets}`;
      await admin.send(new CreateBucketCommand({ Bucket: name, ...(o.objectLock ? { ObjectLockEnabledForBucket: true } : {}) }));
      return name;
    },
    async stop() {
      admin.destroy();
      await promisify(execFile)('bash', [join(SCRIPTS, 'stop.sh'), dir]);
    },
  };
}

/**
 * A file's S3 tests: `body`'s tests in a describe() skipped where Ceph is
 * not installed (s3SkipReason; else `o.skip`, another reason of the
 * file's), sharing one gateway started before them and stopped after them,
 * once `body`'s own after() hooks have run. `o.started` gets the running
 * server first, to keep and to build on (a fault proxy in front of it, users).
 */
export function describeS3(name: string, o: { started: (server: S3Server) => unknown; skip?: string | boolean }, body: () => void): void {
  describe(name, { skip: s3SkipReason() ?? o.skip }, () => {
    let server: S3Server | undefined;
    before(async () => {
      server = await startS3Server();
      await o.started(server);
    });
    body();
    after(async () => {
      await server?.stop();
    });
  });
}
