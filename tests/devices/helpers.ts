// Three computers on one cloud folder for the devices tests: the first made
// by the shared vault fixture, the others recovered from its cloud copy into
// homes of their own, each with its own name (CASEVAULT_DEVICE_NAME).
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { PASSPHRASE, run, type RunResult } from '../helpers/cli.js';
import { makeVault, writeFiles, type Files, type TestVault, type VaultOptions } from '../helpers/vault.js';

export interface Computer {
  name: string;
  home: string;
  vault: string;
  engine: Engine;
  env: Record<string, string>;
  cli(args: string[], extra?: Record<string, string>): Promise<RunResult>;
}

/** The first computer with `files`, synced (to `dropbox`, the local Dropbox server, if given): no CASEVAULT_DEVICE_NAME at its init, so it goes by the host name. */
export async function firstComputer(files: Files, dropbox?: VaultOptions['dropbox']): Promise<{ v: TestVault; office: Computer }> {
  const v = await makeVault({ files, synced: true, ...(dropbox ? { dropbox } : {}) });
  const office: Computer = { name: hostname(), home: v.home, vault: v.vault, engine: v.engine, env: v.env, cli: v.cli };
  return { v, office };
}

/** Another computer of the vault: recovered from the cloud copy into its own home and vault folder, `extra` added there and synced. */
export async function anotherComputer(v: TestVault, name: string, extra: Files = {}): Promise<Computer> {
  const home = join(v.root, `home-${name}`);
  const vault = join(v.root, `vault-${name}`);
  const env = { ...v.env, CASEVAULT_HOME: home, CASEVAULT_DEVICE_NAME: name };
  const engine = new Engine(home, env);
  const cloud = v.cloud === 'dropbox' ? { kind: 'dropbox' as const, root: '' } : { kind: 'folder' as const, dir: v.cloud };
  await engine.recover({ cloud, vaultDir: vault, secret: { passphrase: PASSPHRASE } });
  await writeFiles(vault, extra);
  assert.deepEqual((await engine.sync()).failed, []);
  return { name, home, vault, engine, env, cli: (args, more = {}) => run(args, { ...env, ...more }) };
}

export interface Listed {
  id: string;
  name: string;
  this: boolean;
  status: string;
  wipe: string;
  wipedAt: string | null;
  orderRestored: boolean;
}

/** `casevault devices --json` on `c`. */
export async function devicesOf(c: Computer, extra: Record<string, string> = {}): Promise<Listed[]> {
  const r = await c.cli(['devices', '--json'], extra);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Listed[];
}

export function byName(list: Listed[], name: string): Listed {
  const d = list.find((x) => x.name === name);
  assert.ok(d, `${name} is listed`);
  return d;
}
