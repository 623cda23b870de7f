// A backup repository over a RepoStorage: its config and keys, the index
// (from index files, plus the headers of any pack no index lists yet), and
// reading and writing packs, index files and snapshot manifests.
//
//   config                    the repository's settings and wrapped secret
//   packs/<2 hex>/<32 hex>    pack files
//   index/<32 hex>            index files
//   snapshots/<32 hex>        one manifest per snapshot
//   lock                      present while a backup, forget or prune runs
//
// Spec: docs/backup-format.md.
import {
  BLOB_DATA,
  DamagedData,
  deriveRepoKeys,
  DEFAULT_PACK_SIZE,
  ForeignRepository,
  openBlob,
  openIndex,
  openManifest,
  openManifestSummary,
  openPackHeader,
  openRepoConfig,
  PACK_PREFIX,
  PackBuilder,
  ready,
  repoWrapKey,
  sealIndex,
  sealManifest,
  sealRepoConfig,
  slotKey,
  DEFAULT_CHUNKER,
  randomBytes,
  type BlobEntry,
  type IndexedPack,
  type ManifestFile,
  type ManifestSummary,
  type PackHeader,
  type RepoKeys,
  type RepoParams,
  type Sodium,
} from '../../crypto/backup/index.js';
import { fromBase64, toHex, type ReadKeys, type WriteKeys } from '../../crypto/index.js';
import { isDataDefect, Refused } from '../errors.js';
import { LinkInTheWay } from '../fsutil/no-links.js';
import { RemoteError, RemoteNotFound, RemoteUnavailable } from '../remotes/remote.js';
import type { RepoStorage } from './storage.js';

export const CONFIG_NAME = 'config';
export const DEFAULT_REPO_PARAMS: RepoParams = { chunker: DEFAULT_CHUNKER, packSize: DEFAULT_PACK_SIZE };

export interface BlobLocation {
  pack: string;
  entry: BlobEntry;
}

export interface PackRecord {
  hex: string;
  length: number;
  header: PackHeader;
}

export interface Problem {
  /** What is damaged, by its name in the repository, e.g. "pack 3f2a...". */
  item: string;
  reason: string;
}

const HEX32 = /^[0-9a-f]{32}$/;

/** What opens sealed pack and manifest keys: the vault's key pairs, current first, then earlier ones (after a key rotation). */
export type BoxReader = Pick<ReadKeys, 'publicKey' | 'boxSecret'>;

export const packName = (hex: string) => `packs/${hex.slice(0, 2)}/${hex}`;
export const indexName = (hex: string) => `index/${hex}`;
export const snapshotName = (hex: string) => `snapshots/${hex}`;

function packHexOf(name: string): string | undefined {
  const m = /^packs\/([0-9a-f]{2})\/([0-9a-f]{32})$/.exec(name);
  return m && m[2]!.startsWith(m[1]!) ? m[2] : undefined;
}

/** Data the backup folder lacks or holds damaged (restoring it again will not cure it). */
export function isMissingOrDamaged(e: unknown): boolean {
  return isDataDefect(e) || e instanceof RemoteNotFound;
}

export function describeProblem(e: unknown): string {
  if (isDataDefect(e)) return e.message;
  if (e instanceof RemoteNotFound) return 'missing from the backup folder';
  if (e instanceof LinkInTheWay) return e.message;
  if (e instanceof RemoteError) return e.message; // the backup folder's own failures (a full disk, a drive that went away) word themselves
  const code = (e as NodeJS.ErrnoException)?.code; // the restore's own writes, on this computer
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EIO') return 'the drive could not read it (input/output error)';
  return 'it could not be read';
}

/** The backup folder is there and holds no repository yet (no backup has been taken). */
export class NoRepository extends Refused {
  override name = 'NoRepository';
}

/** The backup folder holds a repository that none of the keys tried opens: another vault's (or one whose settings were tampered with). */
export class ForeignBackups extends Refused {
  override name = 'ForeignBackups';
}

export class Repository {
  /** Packs by hex ID, with their headers. */
  readonly packs = new Map<string, PackRecord>();
  /** Where each blob is (one location, if several packs hold it). */
  readonly blobs = new Map<string, BlobLocation>();
  /** Index files read, by name. */
  indexFiles: string[] = [];
  /** Which packs each index file lists. */
  readonly indexed = new Set<string>();
  /** Problems met while loading the index: damaged index files, unreadable packs, indexed packs that are missing. */
  problems: Problem[] = [];
  private readonly slotKeys = new Map<string, Uint8Array>();
  /** Opened under one of the vault's earlier keys, and its config sealed again under the current one. */
  rewrapped = false;

  private constructor(
    readonly storage: RepoStorage,
    readonly sodium: Sodium,
    readonly keys: RepoKeys,
    readonly repoId: Uint8Array,
    readonly params: RepoParams,
  ) {}

  get idHex(): string {
    return toHex(this.repoId);
  }

  /**
   * Open the repository in `storage`. With `create`, an empty or missing
   * location becomes a new repository with those parameters. Refuses a
   * location that holds something else, or another vault's repository.
   * A repository whose secret is still wrapped under one of the vault's
   * earlier auth keys (`retired`, base64: keys rotated while the drive was
   * away) is re-wrapped under the current one.
   */
  static async open(
    storage: RepoStorage,
    writeKeys: Pick<WriteKeys, 'authKey' | 'publicKey'>,
    create?: RepoParams,
    retired: readonly string[] = [],
  ): Promise<Repository> {
    const sodium = await ready();
    const wrapKey = await repoWrapKey(writeKeys);
    try {
      let bytes: Uint8Array | undefined;
      try {
        bytes = await storage.remote.read(CONFIG_NAME);
      } catch (e) {
        // No config yet, or no backup folder yet (a new one): the probe below says which.
        if (!(e instanceof RemoteNotFound) && !(e instanceof RemoteUnavailable && (await storage.probe()) === 'missing')) throw e;
      }
      if (!bytes) {
        const state = await storage.probe();
        if (state === 'used') throw new Refused('the backup folder is not empty and is not a Casevault backup; choose an empty folder for backups');
        if (!create) throw new NoRepository('the backup folder holds no Casevault backup');
        if (state === 'missing') await storage.create();
        const repoId = randomBytes(16);
        const secret = randomBytes(32);
        await storage.remote.put(CONFIG_NAME, sealRepoConfig(sodium, wrapKey, repoId, secret, create));
        await storage.remote.flush?.();
        return new Repository(storage, sodium, await deriveRepoKeys(secret, writeKeys.publicKey), repoId, create);
      }
      const opened = await Repository.openConfig(sodium, bytes, wrapKey, retired);
      if (opened.rewrap) {
        await storage.remote.put(CONFIG_NAME, sealRepoConfig(sodium, wrapKey, opened.repoId, opened.secret, opened.params));
        await storage.remote.flush?.();
      }
      const keys = await deriveRepoKeys(opened.secret, writeKeys.publicKey);
      sodium.memzero(opened.secret);
      const repo = new Repository(storage, sodium, keys, opened.repoId, opened.params);
      repo.rewrapped = opened.rewrap;
      return repo;
    } finally {
      sodium.memzero(wrapKey);
    }
  }

  /** The config opened under the current wrap key or, failing that, an earlier one (then `rewrap`). */
  private static async openConfig(
    sodium: Sodium,
    bytes: Uint8Array,
    wrapKey: Uint8Array,
    retired: readonly string[],
  ): Promise<ReturnType<typeof openRepoConfig> & { rewrap: boolean }> {
    for (const [i, key] of [wrapKey, ...(await Promise.all(retired.map((k) => repoWrapKey({ authKey: fromBase64(k, 32) }))))].entries()) {
      try {
        return { ...openRepoConfig(sodium, key, bytes), rewrap: i > 0 };
      } catch (e) {
        if (!(e instanceof ForeignRepository)) throw e;
      } finally {
        if (i > 0) sodium.memzero(key);
      }
    }
    throw new ForeignBackups('the backup folder holds the backups of another vault (or its settings were tampered with); choose another folder');
  }

  private addPack(p: PackRecord): void {
    this.packs.set(p.hex, p);
    for (const e of p.header.entries) {
      const k = toHex(e.id);
      if (!this.blobs.has(k)) this.blobs.set(k, { pack: p.hex, entry: e });
    }
  }

  /** Read a pack's header from the pack itself. */
  async readPackHeader(hex: string, length?: number): Promise<PackRecord> {
    const name = packName(hex);
    const prefix = await this.storage.readRange(name, 0, PACK_PREFIX);
    const len = prefix.length === PACK_PREFIX ? new DataView(prefix.buffer, prefix.byteOffset + 29, 4).getUint32(0, true) : 0;
    const head = await this.storage.readRange(name, 0, PACK_PREFIX + Math.min(len, 64 * 1024 * 1024));
    const size = length ?? (await this.storage.remote.stat(name))?.size;
    if (size === undefined) throw new RemoteNotFound(name);
    const { header } = openPackHeader(this.sodium, this.keys.indexKey, Buffer.from(hex, 'hex'), head, size);
    return { hex, length: size, header };
  }

  /**
   * Load the index: every index file, then the header of every pack that no
   * index file lists (a backup or prune killed before writing its index).
   * Packs an index lists but the folder lacks are dropped (and reported):
   * their blobs count as absent, so the next backup stores them again.
   */
  async loadIndex(): Promise<{ unindexed: PackRecord[] }> {
    this.packs.clear();
    this.blobs.clear();
    this.indexed.clear();
    this.problems = [];
    this.indexFiles = [];
    const present = new Map<string, number>();
    for await (const e of this.storage.remote.list('packs/')) {
      const hex = packHexOf(e.name);
      if (hex) present.set(hex, e.size);
      else this.problems.push({ item: e.name, reason: 'an unexpected file in the packs folder' });
    }
    const fromIndex = new Map<string, IndexedPack>();
    for await (const e of this.storage.remote.list('index/')) {
      const hex = e.name.slice('index/'.length);
      try {
        if (!HEX32.test(hex)) throw new DamagedData('not a Casevault index file name');
        const packs = openIndex(this.sodium, this.keys.indexKey, Buffer.from(hex, 'hex'), await this.storage.remote.read(e.name));
        for (const p of packs) fromIndex.set(toHex(p.packId), p);
        this.indexFiles.push(e.name);
      } catch (err) {
        this.problems.push({ item: `index ${hex}`, reason: describeProblem(err) });
      }
    }
    for (const [hex, p] of fromIndex) {
      const size = present.get(hex);
      if (size === undefined) {
        this.problems.push({ item: `pack ${hex}`, reason: 'listed in the index but missing from the backup folder' });
        continue;
      }
      if (size !== p.length) {
        this.problems.push({ item: `pack ${hex}`, reason: 'its size differs from the index: damaged or replaced' });
        continue;
      }
      this.indexed.add(hex);
      this.addPack({ hex, length: p.length, header: p.header });
    }
    const unindexed: PackRecord[] = [];
    for (const [hex, size] of present) {
      if (this.packs.has(hex) || fromIndex.has(hex)) continue;
      try {
        const rec = await this.readPackHeader(hex, size);
        this.addPack(rec);
        unindexed.push(rec);
      } catch (err) {
        this.problems.push({ item: `pack ${hex}`, reason: describeProblem(err) });
      }
    }
    return { unindexed };
  }

  /** Write a new index file listing `packs`. Returns its name. */
  async writeIndex(packs: readonly PackRecord[]): Promise<string> {
    const id = randomBytes(16);
    const name = indexName(toHex(id));
    const body = sealIndex(
      this.sodium,
      this.keys.indexKey,
      id,
      packs.map((p) => ({ packId: Buffer.from(p.hex, 'hex'), length: p.length, header: p.header })),
    );
    await this.storage.remote.put(name, body);
    for (const p of packs) this.indexed.add(p.hex);
    this.indexFiles.push(name);
    return name;
  }

  newPack(): PackBuilder {
    return new PackBuilder(this.sodium, this.keys);
  }

  /** Finish and store a pack; its blobs join the index in memory (not on disk until writeIndex). */
  async putPack(builder: PackBuilder): Promise<PackRecord> {
    const id = randomBytes(16);
    const { bytes, header } = builder.finish(id);
    const rec: PackRecord = { hex: toHex(id), length: bytes.length, header };
    await this.storage.remote.put(packName(rec.hex), bytes);
    this.addPack(rec);
    return rec;
  }

  async readStored(loc: BlobLocation): Promise<Uint8Array> {
    const b = await this.storage.readRange(packName(loc.pack), loc.entry.offset, loc.entry.length);
    if (b.length !== loc.entry.length) throw new DamagedData('damaged or tampered backup pack (truncated)');
    return b;
  }

  /**
   * Decrypt and check a stored blob. The pack slot's key is found with
   * whichever of `readers` sealed it (tried in turn the first time; an
   * earlier vault key opens packs written before a key rotation).
   */
  openStored(loc: BlobLocation, stored: Uint8Array, readers: readonly BoxReader[]): Uint8Array {
    const k = `${loc.pack}/${loc.entry.slot}`;
    const known = this.slotKeys.get(k);
    if (known) return openBlob(this.sodium, known, this.keys.idKey, loc.entry, stored);
    const epk = this.packs.get(loc.pack)?.header.slots[loc.entry.slot];
    if (!epk) throw new DamagedData('damaged or tampered backup pack (key slot)');
    let first: unknown;
    for (const r of readers) {
      const key = slotKey(this.sodium, r.boxSecret, epk, epk, r.publicKey);
      try {
        const plain = openBlob(this.sodium, key, this.keys.idKey, loc.entry, stored);
        if (this.slotKeys.size > 4096) this.wipeSlotKeys();
        this.slotKeys.set(k, key);
        return plain;
      } catch (e) {
        this.sodium.memzero(key);
        first ??= e;
      }
    }
    throw first ?? new DamagedData('damaged or tampered backup pack (key slot)');
  }

  /** A copy of the key of `loc`'s pack slot, once a blob of that slot has been opened here (for a worker to open the others); the caller wipes it. */
  knownSlotKey(loc: BlobLocation): Uint8Array | undefined {
    return this.slotKeys.get(`${loc.pack}/${loc.entry.slot}`)?.slice();
  }

  async readBlob(loc: BlobLocation, readers: readonly BoxReader[]): Promise<Uint8Array> {
    return this.openStored(loc, await this.readStored(loc), readers);
  }

  wipeSlotKeys(): void {
    for (const k of this.slotKeys.values()) this.sodium.memzero(k);
    this.slotKeys.clear();
  }

  /** Snapshot IDs (hex) present in the repository. Names that are not snapshot IDs are reported as problems. */
  async listSnapshots(): Promise<string[]> {
    const out: string[] = [];
    for await (const e of this.storage.remote.list('snapshots/')) {
      const hex = e.name.slice('snapshots/'.length);
      if (HEX32.test(hex)) out.push(hex);
      else this.problems.push({ item: e.name, reason: 'an unexpected file in the snapshots folder' });
    }
    return out;
  }

  async readSummary(hex: string): Promise<ManifestSummary> {
    return openManifestSummary(this.sodium, this.keys, Buffer.from(hex, 'hex'), await this.storage.remote.read(snapshotName(hex)));
  }

  /** A snapshot's whole manifest, opened with whichever of `readers` it was sealed to. */
  async readManifest(hex: string, readers: readonly BoxReader[]): Promise<{ summary: ManifestSummary; files: ManifestFile[] }> {
    const bytes = await this.storage.remote.read(snapshotName(hex));
    let first: unknown;
    for (const r of readers) {
      try {
        return openManifest(this.sodium, { ...this.keys, publicKey: r.publicKey }, r.boxSecret, Buffer.from(hex, 'hex'), bytes);
      } catch (e) {
        first ??= e;
      }
    }
    throw first ?? new DamagedData('damaged or tampered snapshot (no key)');
  }

  /** Write a snapshot manifest (under `id`, or a new random ID). Returns its hex ID. */
  async writeManifest(timeMs: number, files: readonly ManifestFile[], id: Uint8Array = randomBytes(16)): Promise<string> {
    await this.storage.remote.put(snapshotName(toHex(id)), sealManifest(this.sodium, this.keys, id, timeMs, files));
    return toHex(id);
  }

  async flush(): Promise<void> {
    await this.storage.remote.flush?.();
  }
}

export { BLOB_DATA };
