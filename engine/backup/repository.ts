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
// Key generations: the first open under keys rotated since the config was
// sealed gives the repository a fresh secret for every new write, and pins
// the snapshots of the generation it supersedes (by ID and digest) in the
// config, sealed under the new keys. Packs and index files of every
// generation are read (each under its own keys); a manifest under an
// earlier generation's keys is accepted only if that list holds it.
//
// Spec: docs/backup-format.md.
import {
  BLOB_DATA,
  DamagedData,
  deriveRepoKeys,
  DEFAULT_PACK_SIZE,
  manifestDigest,
  wipeRepoKeys,
  ForeignRepository,
  openBlob,
  openIndex,
  openManifest,
  openManifestSummary,
  manifestIsOurs,
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
  type AcceptedSnapshot,
  type BlobEntry,
  type EarlierGeneration,
  type IndexedPack,
  type OpenedRepoConfig,
  type ManifestFile,
  type ManifestSummary,
  type PackHeader,
  type RepoKeys,
  type RepoParams,
  type Sodium,
} from '../../crypto/backup/index.js';
import { fromBase64, toHex, type ReadKeys, type WriteKeys } from '../../crypto/index.js';
import { Damaged, isDataDefect, Refused, TOO_LONG } from '../errors.js';
import { LinkInTheWay } from '../fsutil/no-links.js';
import { RemoteError, RemoteNotFound, RemoteTooLarge, RemoteUnavailable } from '../remotes/remote.js';
import { withRepoLock } from './lock.js';
import type { RepoStorage } from './storage.js';

export const CONFIG_NAME = 'config';

// Bounds on what is read whole from the backup folder (a drive anyone can
// write to): far above any genuine file, so a planted one of a gigabyte is
// reported damaged without being read (docs/backup-format.md, "Bounds").
/** The config: a few hundred bytes, plus about 64 per snapshot pinned at a key rotation (48, in base64). */
export const CONFIG_MAX = 16 * 1024 * 1024;
/** An index file: 48 bytes per chunk, so over 5 million chunks. */
export const INDEX_MAX = 256 * 1024 * 1024;
/** A manifest: about 100 bytes per file and 32 per chunk, so well over a million files. */
export const MANIFEST_MAX = 256 * 1024 * 1024;

const CONFIG_TOO_LARGE = "the backup folder's settings file (config) is larger than any genuine one can be, so it was not read; it was damaged or replaced";

/** A whole file of the backup folder, at most `max` bytes; one larger is DamagedData (saying `tooLarge`), not read. */
async function readBounded(storage: RepoStorage, name: string, max: number, tooLarge: string): Promise<Uint8Array> {
  try {
    return await storage.remote.read(name, max);
  } catch (e) {
    if (e instanceof RemoteTooLarge) throw new DamagedData(tooLarge);
    throw e;
  }
}
export const DEFAULT_REPO_PARAMS: RepoParams = { chunker: DEFAULT_CHUNKER, packSize: DEFAULT_PACK_SIZE };

export interface BlobLocation {
  pack: string;
  entry: BlobEntry;
}

export interface PackRecord {
  hex: string;
  length: number;
  header: PackHeader;
  /** The key generation whose keys wrote it (its header, its chunk IDs). */
  generation: number;
}

/** An earlier key generation as a reader holds it: its keys, and the snapshots recorded before it was superseded (hex ID → manifest digest). */
interface Earlier {
  generation: number;
  keys: RepoKeys;
  accepted: Map<string, Uint8Array>;
}

/** This computer's record of the repository: the highest key generation it has seen of it. */
export interface GenerationPin {
  repoId: string;
  generation: number;
}

export interface Problem {
  /** What is damaged, by its name in the repository, e.g. "pack 3f2a...". */
  item: string;
  reason: string;
}

const HEX32 = /^[0-9a-f]{32}$/;

/** How a damaged blob is recorded: the pack that holds the bad copy, and the blob's ID (IDs only: no name, no content). */
export const damagedAt = (packHex: string, blobHex: string) => `${packHex}:${blobHex}`;

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
  if (code === 'ENAMETOOLONG') return TOO_LONG;
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
  /** Where each blob is (one location, if several packs hold it: a sound one over one in `damaged`). */
  readonly blobs = new Map<string, BlobLocation>();
  /**
   * Blobs this computer found failing authentication where they are stored
   * (`damagedAt`: pack and blob ID), as backup-state.json keeps them: a copy
   * in another pack is read instead, and a backup counts them as absent, so
   * it stores their chunks again. Set before loadIndex.
   */
  damaged = new Set<string>();
  /** Index files read, by name. */
  indexFiles: string[] = [];
  /** Which packs each index file lists. */
  readonly indexed = new Set<string>();
  /** Problems met while loading the index: damaged index files, unreadable packs, unexpected files. */
  problems: Problem[] = [];
  /**
   * Packs an index lists that the folder lacks or holds at another length
   * (by hex ID, as the index gives them, with why): dropped when the index
   * loads, so their blobs count as absent and the next backup stores their
   * chunks again. Until a prune writes the index again without them.
   */
  readonly lost = new Map<string, { pack: PackRecord; present: boolean; reason: string }>();
  private readonly slotKeys = new Map<string, Uint8Array>();
  /** Opened under one of the vault's earlier keys, and its config sealed again under the current one. */
  rewrapped = false;

  private constructor(
    readonly storage: RepoStorage,
    readonly sodium: Sodium,
    readonly keys: RepoKeys,
    readonly repoId: Uint8Array,
    readonly params: RepoParams,
    /** The current key generation (0 until the first key rotation): every new write is under `keys`, its keys. */
    readonly generation: number = 0,
    private readonly earlier: readonly Earlier[] = [],
  ) {}

  private static async build(storage: RepoStorage, sodium: Sodium, o: OpenedRepoConfig, publicKey: Uint8Array): Promise<Repository> {
    const earlier: Earlier[] = [];
    for (const [i, g] of o.earlier.entries()) {
      earlier.push({
        generation: o.generation - 1 - i,
        keys: await deriveRepoKeys(g.secret, publicKey),
        accepted: new Map(g.accepted.map((a) => [toHex(a.id), a.digest])),
      });
    }
    return new Repository(storage, sodium, await deriveRepoKeys(o.secret, publicKey), o.repoId, o.params, o.generation, earlier);
  }

  /** The keys of generation `g`. */
  keysOf(g: number): RepoKeys {
    if (g === this.generation) return this.keys;
    const e = this.earlier.find((x) => x.generation === g);
    if (!e) throw new DamagedData('damaged or tampered backup (unknown key generation)');
    return e.keys;
  }

  /** Every generation's keys, the current one first: what a pack or index file of unknown generation is tried with. */
  private generations(): { generation: number; keys: RepoKeys }[] {
    return [{ generation: this.generation, keys: this.keys }, ...this.earlier];
  }

  /** The earlier generations' keys (the current one's are the caller's, `keys`, wiped by it as before). */
  async wipeEarlierKeys(): Promise<void> {
    for (const e of this.earlier) await wipeRepoKeys(e.keys);
  }

  get idHex(): string {
    return toHex(this.repoId);
  }

  /** What backup-cache.log is kept for: its chunk IDs are of one key generation (after a rotation every file is chunked again, under the new keys). */
  get cacheId(): string {
    return this.generation === 0 ? this.idHex : `${this.idHex}.${this.generation}`;
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
    pin?: GenerationPin,
  ): Promise<Repository> {
    const sodium = await ready();
    const wrapKey = await repoWrapKey(writeKeys);
    try {
      let bytes: Uint8Array | undefined;
      try {
        bytes = await readBounded(storage, CONFIG_NAME, CONFIG_MAX, CONFIG_TOO_LARGE);
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
      let opened = await Repository.openConfig(sodium, bytes, wrapKey, retired);
      if (pin && pin.repoId === toHex(opened.repoId) && opened.generation < pin.generation) {
        throw new Damaged(
          "the backup folder's settings were put back to an earlier copy, from before a key rotation this computer has seen; its backups may have been tampered with",
          'verify-backup',
        );
      }
      if (opened.rewrap) opened = { ...(await Repository.nextGeneration(storage, sodium, wrapKey, opened, writeKeys.publicKey, retired)), rewrap: true };
      const repo = await Repository.build(storage, sodium, opened, writeKeys.publicKey);
      Repository.wipeOpened(sodium, opened);
      repo.rewrapped = opened.rewrap;
      return repo;
    } finally {
      sodium.memzero(wrapKey);
    }
  }

  private static wipeOpened(sodium: Sodium, o: OpenedRepoConfig): void {
    sodium.memzero(o.secret);
    for (const g of o.earlier) sodium.memzero(g.secret);
  }

  /**
   * The config was sealed under earlier keys: the repository gets a new key
   * generation. Under the lock (two computers must not both start one: the
   * loser's backups would be under a secret the config no longer holds),
   * the config is read again; if the current keys open it now, another
   * computer did this first. Else a fresh secret, and the superseded
   * generation's snapshots as they are now (each manifest's digest, for
   * those its keys authenticate) join the earlier generations' lists.
   */
  private static async nextGeneration(
    storage: RepoStorage,
    sodium: Sodium,
    wrapKey: Uint8Array,
    was: OpenedRepoConfig,
    publicKey: Uint8Array,
    retired: readonly string[],
  ): Promise<OpenedRepoConfig> {
    return withRepoLock(storage, 'key rotation', async () => {
      const now = await Repository.openConfig(sodium, await readBounded(storage, CONFIG_NAME, CONFIG_MAX, CONFIG_TOO_LARGE), wrapKey, retired);
      Repository.wipeOpened(sodium, was);
      if (!now.rewrap) return now;
      const superseded = await Repository.build(storage, sodium, now, publicKey);
      const accepted: AcceptedSnapshot[] = [];
      try {
        for (const hex of await superseded.listSnapshots()) {
          const bytes = await storage.remote.read(snapshotName(hex), MANIFEST_MAX).catch(() => undefined);
          if (!bytes) continue;
          try {
            openManifestSummary(sodium, superseded.keys, Buffer.from(hex, 'hex'), bytes);
          } catch {
            continue; // not its own (damaged, or of an earlier generation: those are on their own lists already)
          }
          accepted.push({ id: Buffer.from(hex, 'hex'), digest: manifestDigest(sodium, bytes) });
        }
      } finally {
        await wipeRepoKeys(superseded.keys);
        await superseded.wipeEarlierKeys();
      }
      const earlier: EarlierGeneration[] = [{ secret: now.secret, accepted }, ...now.earlier];
      const next: OpenedRepoConfig = { repoId: now.repoId, params: now.params, secret: randomBytes(32), generation: now.generation + 1, earlier };
      await storage.remote.put(CONFIG_NAME, sealRepoConfig(sodium, wrapKey, next.repoId, next.secret, next.params, earlier));
      await storage.remote.flush?.();
      return next;
    });
  }

  /** The config opened under the current wrap key or, failing that, an earlier one (then `rewrap`). */
  private static async openConfig(
    sodium: Sodium,
    bytes: Uint8Array,
    wrapKey: Uint8Array,
    retired: readonly string[],
  ): Promise<OpenedRepoConfig & { rewrap: boolean }> {
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
      const had = this.blobs.get(k);
      if (!had || (this.damaged.has(damagedAt(had.pack, k)) && !this.damaged.has(damagedAt(p.hex, k)))) this.blobs.set(k, { pack: p.hex, entry: e });
    }
  }

  /**
   * Record in `damaged` the copies of blob `blobHex` that lost packs held (of
   * every blob they held, without it): what a verify or restore found
   * missing counts as found damaged, until a backup stores it again.
   */
  recordLost(blobHex?: string): void {
    for (const { pack } of this.lost.values())
      for (const e of pack.header.entries) {
        const hex = toHex(e.id);
        if (blobHex === undefined || hex === blobHex) this.damaged.add(damagedAt(pack.hex, hex));
      }
  }

  /** Whether the repository holds blob `hex` in a copy not known to be damaged: what a backup may deduplicate against. */
  hasSound(hex: string): boolean {
    const loc = this.blobs.get(hex);
    return loc !== undefined && !this.damaged.has(damagedAt(loc.pack, hex));
  }

  /** Read a pack's header from the pack itself. */
  async readPackHeader(hex: string, length?: number): Promise<PackRecord> {
    const name = packName(hex);
    const prefix = await this.storage.readRange(name, 0, PACK_PREFIX);
    const len = prefix.length === PACK_PREFIX ? new DataView(prefix.buffer, prefix.byteOffset + 29, 4).getUint32(0, true) : 0;
    const head = await this.storage.readRange(name, 0, PACK_PREFIX + Math.min(len, 64 * 1024 * 1024));
    const size = length ?? (await this.storage.remote.stat(name))?.size;
    if (size === undefined) throw new RemoteNotFound(name);
    const { value, generation } = this.underSomeGeneration((k) => openPackHeader(this.sodium, k.indexKey, Buffer.from(hex, 'hex'), head, size));
    return { hex, length: size, header: value.header, generation };
  }

  /** `open` under the current generation's keys or, failing that, an earlier one's (the first failure is what is reported). */
  private underSomeGeneration<T>(open: (k: RepoKeys) => T): { value: T; generation: number } {
    let first: unknown;
    for (const g of this.generations()) {
      try {
        return { value: open(g.keys), generation: g.generation };
      } catch (e) {
        if (!(e instanceof DamagedData)) throw e;
        first ??= e;
      }
    }
    throw first;
  }

  /**
   * Load the index: every index file, then the header of every pack that no
   * index file lists (a backup or prune killed before writing its index).
   * Packs an index lists but the folder lacks, or holds at another length,
   * are dropped (into `lost`): their blobs count as absent, so the next
   * backup stores them again.
   */
  async loadIndex(): Promise<{ unindexed: PackRecord[] }> {
    this.packs.clear();
    this.blobs.clear();
    this.indexed.clear();
    this.lost.clear();
    this.problems = [];
    this.indexFiles = [];
    const present = new Map<string, number>();
    for await (const e of this.storage.remote.list('packs/')) {
      const hex = packHexOf(e.name);
      if (hex) present.set(hex, e.size);
      else this.problems.push({ item: e.name, reason: 'an unexpected file in the packs folder' });
    }
    const fromIndex = new Map<string, IndexedPack & { generation: number }>();
    for await (const e of this.storage.remote.list('index/')) {
      const hex = e.name.slice('index/'.length);
      try {
        if (!HEX32.test(hex)) throw new DamagedData('not a Casevault index file name');
        const bytes = await readBounded(this.storage, e.name, INDEX_MAX, 'larger than any genuine index file can be, so it was not read');
        const { value: packs, generation } = this.underSomeGeneration((k) => openIndex(this.sodium, k.indexKey, Buffer.from(hex, 'hex'), bytes));
        for (const p of packs) fromIndex.set(toHex(p.packId), { ...p, generation });
        this.indexFiles.push(e.name);
      } catch (err) {
        this.problems.push({ item: `index ${hex}`, reason: describeProblem(err) });
      }
    }
    for (const [hex, p] of fromIndex) {
      const size = present.get(hex);
      const pack = { hex, length: p.length, header: p.header, generation: p.generation };
      if (size === undefined) {
        this.lost.set(hex, { pack, present: false, reason: 'listed in the index but missing from the backup folder' });
        continue;
      }
      if (size !== p.length) {
        this.lost.set(hex, { pack, present: true, reason: 'its size differs from the index: damaged or replaced' });
        continue;
      }
      this.indexed.add(hex);
      this.addPack(pack);
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

  /** Write new index files listing `packs`: one per key generation among them (each under its own keys). Returns their names. */
  async writeIndex(packs: readonly PackRecord[]): Promise<string[]> {
    const names: string[] = [];
    for (const g of new Set(packs.map((p) => p.generation))) {
      const id = randomBytes(16);
      const name = indexName(toHex(id));
      const body = sealIndex(
        this.sodium,
        this.keysOf(g).indexKey,
        id,
        packs.filter((p) => p.generation === g).map((p) => ({ packId: Buffer.from(p.hex, 'hex'), length: p.length, header: p.header })),
      );
      await this.storage.remote.put(name, body);
      names.push(name);
    }
    for (const p of packs) this.indexed.add(p.hex);
    this.indexFiles.push(...names);
    return names;
  }

  newPack(): PackBuilder {
    return new PackBuilder(this.sodium, this.keys);
  }

  /** One buffer every pack is built in, and the write using it (a pack is built only once the previous one is written). */
  private packBuffer = new Uint8Array(0);
  private packWrite: Promise<unknown> = Promise.resolve();

  /** Finish and store a pack; its blobs join the index in memory (not on disk until writeIndex). */
  async putPack(builder: PackBuilder): Promise<PackRecord> {
    const previous = this.packWrite;
    const write = (async () => {
      await previous.catch(() => {}); // its own caller hears of its failure
      const id = randomBytes(16);
      const { bytes, header } = builder.finish(id, (n) => {
        if (this.packBuffer.length < n) this.packBuffer = new Uint8Array(n + (n >> 3));
        return this.packBuffer.subarray(0, n);
      });
      const rec: PackRecord = { hex: toHex(id), length: bytes.length, header, generation: this.generation };
      await this.storage.remote.put(packName(rec.hex), bytes);
      this.addPack(rec);
      return rec;
    })();
    this.packWrite = write;
    return write;
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
    const pack = this.packs.get(loc.pack);
    const epk = pack?.header.slots[loc.entry.slot];
    if (!pack || !epk) throw new DamagedData('damaged or tampered backup pack (key slot)');
    const idKey = this.keysOf(pack.generation).idKey; // a chunk ID is checked in the ID space of the generation that wrote it
    const known = this.slotKeys.get(k);
    if (known) return openBlob(this.sodium, known, idKey, loc.entry, stored);
    let first: unknown;
    for (const r of readers) {
      const key = slotKey(this.sodium, r.boxSecret, epk, epk, r.publicKey);
      try {
        const plain = openBlob(this.sodium, key, idKey, loc.entry, stored);
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

  /** The chunk-ID key of the generation that wrote `loc`'s pack (the repository's own array: never wiped by a caller). */
  idKeyOf(loc: BlobLocation): Uint8Array {
    const pack = this.packs.get(loc.pack);
    if (!pack) throw new DamagedData('damaged or tampered backup pack (key slot)');
    return this.keysOf(pack.generation).idKey;
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

  /**
   * A manifest's bytes and the keys of the generation it belongs to: an
   * earlier generation's if that generation's list holds it (ID and
   * digest: `listed`), else the current one's.
   */
  private async manifestOf(hex: string): Promise<{ bytes: Uint8Array; keys: RepoKeys; listed: boolean }> {
    const bytes = await readBounded(this.storage, snapshotName(hex), MANIFEST_MAX, 'larger than any genuine snapshot can be, so it was not read');
    const candidates = this.earlier.filter((e) => e.accepted.has(hex));
    if (candidates.length > 0) {
      const digest = manifestDigest(this.sodium, bytes);
      const e = candidates.find((x) => this.sodium.memcmp(x.accepted.get(hex)!, digest));
      if (e) return { bytes, keys: e.keys, listed: true };
    }
    return { bytes, keys: this.keys, listed: false };
  }

  /**
   * The current keys did not open a manifest no earlier list holds: if an
   * earlier generation's keys authenticate it, it was written under them
   * after the rotation that superseded them, by someone who kept them.
   */
  private refusePlanted(hex: string, bytes: Uint8Array): void {
    for (const e of this.earlier) {
      try {
        openManifestSummary(this.sodium, e.keys, Buffer.from(hex, 'hex'), bytes);
      } catch {
        continue;
      }
      throw new DamagedData(
        'sealed with earlier keys, but not recorded before the key rotation: planted by someone holding the keys from before it, so it is refused',
      );
    }
  }

  async readSummary(hex: string): Promise<ManifestSummary> {
    const { bytes, keys, listed } = await this.manifestOf(hex);
    try {
      return openManifestSummary(this.sodium, keys, Buffer.from(hex, 'hex'), bytes);
    } catch (e) {
      if (!listed) this.refusePlanted(hex, bytes);
      throw e;
    }
  }

  /**
   * Whether snapshot `hex`, whose manifest does not open, is plainly not one
   * of this repository's snapshots: larger than any can be, cut short, not a
   * Casevault manifest, or a summary none of its key generations
   * authenticates (another vault's, or junk). One whose summary a key of
   * this repository authenticates is a genuine snapshot, damaged: false.
   */
  async notOurs(hex: string): Promise<boolean> {
    let bytes: Uint8Array;
    try {
      bytes = await readBounded(this.storage, snapshotName(hex), MANIFEST_MAX, 'larger than any genuine snapshot can be, so it was not read');
    } catch (e) {
      if (e instanceof DamagedData) return true;
      throw e;
    }
    const id = Buffer.from(hex, 'hex');
    return !this.generations().some((g) => manifestIsOurs(this.sodium, g.keys.indexKey, id, bytes));
  }

  /** A snapshot's whole manifest, opened with whichever of `readers` it was sealed to. */
  async readManifest(hex: string, readers: readonly BoxReader[]): Promise<{ summary: ManifestSummary; files: ManifestFile[] }> {
    const { bytes, keys, listed } = await this.manifestOf(hex);
    let first: unknown;
    for (const r of readers) {
      try {
        return openManifest(this.sodium, { ...keys, publicKey: r.publicKey }, r.boxSecret, Buffer.from(hex, 'hex'), bytes);
      } catch (e) {
        first ??= e;
      }
    }
    if (!listed) this.refusePlanted(hex, bytes);
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
