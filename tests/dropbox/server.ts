// A local Dropbox API server for tests: the official `dropbox` SDK talks to it
// over real HTTP on 127.0.0.1 (through a fetch that rewrites Dropbox's hosts
// to this server's URL). It keeps file contents as blobs in a folder the
// caller gives, metadata in memory, and answers with Dropbox's real shapes:
// 409 errors with `error_summary` and tagged `error`, 401 for expired or
// unknown access tokens, case-insensitive paths (path_lower), content_hash
// computed with Dropbox's algorithm.
//
// Fault injection (see DropboxFaults) is set per server and can be changed at
// run time; random faults come from a seeded RNG so a run is repeatable (as
// far as the client's request order is).
//
// Supported: POST /oauth2/token (refresh_token, authorization_code + PKCE),
// GET /oauth2/authorize (auto-approves and redirects), and under /2/:
// files/upload, files/upload_session/{start,append_v2,finish}, files/download,
// files/get_metadata, files/list_folder(+/continue), files/delete_v2,
// files/move_v2, files/create_folder_v2, users/get_current_account.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** Fractions are per request, 0..1. Counts apply to the next N matching requests. */
export interface DropboxFaults {
  /** Seed of the fault RNG (re-seeds when given to setFaults). */
  seed?: number;
  /** Fraction of requests answered 429 too_many_requests (with Retry-After). */
  rate429?: number;
  /** Fraction answered 500 (plain-text body, like Dropbox's internal errors). */
  rate500?: number;
  /** Fraction answered 503 (with Retry-After). */
  rate503?: number;
  /** Fraction of requests carrying a body (uploads) whose connection is destroyed mid-body. */
  dropUpload?: number;
  /** Fraction of requests fully processed (state changed) whose connection is then destroyed before the answer. */
  dropResponse?: number;
  /** Fraction of requests delayed by delayMs before being handled. */
  delayRate?: number;
  delayMs?: number;
  /** Fraction of authenticated requests whose access token is expired server-side first (401 expired_access_token). */
  expireToken?: number;
  /** Value of Retry-After (seconds) on 429 and 503. Default 1. */
  retryAfterSeconds?: number;
  /** The next N completed uploads (single or session finish) are stored with one byte flipped. */
  corruptUploads?: number;
  /** The next N downloads send one byte flipped (the metadata keeps the true content_hash). */
  corruptDownloads?: number;
  /** Whether random faults also hit /oauth2/token. Default true. */
  includeToken?: boolean;
  /** Refuse every write (upload, finish, delete, move, create folder) with this WriteError: a read-only shared folder, a full account. */
  refuseWrites?: 'no_write_permission' | 'insufficient_space';
}

export type ForcedFault = '429' | '500' | '503' | 'drop-upload' | 'drop-response' | 'expire-token';

export interface DropboxServerStats {
  requests: number;
  /** Requests per endpoint, e.g. "/2/files/upload": 3. */
  byEndpoint: Record<string, number>;
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  tokensIssued: number;
  refreshes: number;
  /** Completed uploads (single + session finishes). */
  uploads: number;
  sessionsFinished: number;
}

export interface DropboxServerOptions {
  /** Folder the server keeps blobs and staging files in (created if missing). */
  root: string;
  /** The app key (client_id) the server accepts. Default "casevault-test-app". */
  appKey?: string;
  /** If set, a client_secret sent must equal this. PKCE clients send none. */
  appSecret?: string;
  /** A refresh token valid from the start. Default: random (see server.refreshToken). */
  refreshToken?: string;
  /** expires_in of issued access tokens, seconds (enforced). Default 14400. */
  accessTokenTtlSeconds?: number;
  /** Maximum entries per list_folder page. Default 5. */
  pageSize?: number;
  faults?: DropboxFaults;
  /** Largest body accepted on an upload request. Default 160 MiB. */
  maxUploadBytes?: number;
}

export interface ServerFile {
  /** path_display, e.g. "/vault/objects/ab/ab12". */
  path: string;
  pathLower: string;
  size: number;
  contentHash: string;
  rev: string;
}

export interface DropboxServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly root: string;
  readonly appKey: string;
  readonly refreshToken: string;
  readonly stats: DropboxServerStats;
  /** Replace the fault settings (merged with defaults, not with the previous ones). */
  setFaults(f: DropboxFaults): void;
  /**
   * Answer the next requests with these faults, in order, before any random
   * ones. A fault given with an endpoint ("/2/files/move_v2") waits for a
   * request to that endpoint.
   */
  failNext(...faults: Array<ForcedFault | { fault: ForcedFault; endpoint: string }>): void;
  /** Expire every access token issued so far (the next request with one gets 401 expired_access_token). */
  expireAllTokens(): void;
  /** Revoke every refresh token (refresh then fails with invalid_grant). */
  revokeRefreshTokens(): void;
  /** Reset the counters. */
  resetStats(): void;
  /** Every file under `under` (a Dropbox path, '' for all), sorted by path_lower. */
  files(under?: string): ServerFile[];
  /** Contents of the file at a Dropbox path (case-insensitive), or undefined. */
  readFile(path: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------

const BLOCK = 4 * 1024 * 1024;

/** Dropbox content_hash: SHA-256 over the concatenated SHA-256 digests of each 4 MiB block. */
export function dropboxContentHash(data: Uint8Array): string {
  const outer = createHash('sha256');
  for (let o = 0; o < data.length; o += BLOCK) {
    outer.update(
      createHash('sha256')
        .update(data.subarray(o, Math.min(o + BLOCK, data.length)))
        .digest(),
    );
  }
  return outer.digest('hex');
}

/** mulberry32: small, seeded, repeatable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FileNode {
  tag: 'file';
  display: string;
  id: string;
  rev: string;
  size: number;
  hash: string;
  blob: string;
  serverModified: string;
  clientModified: string;
}
interface FolderNode {
  tag: 'folder';
  display: string;
  id: string;
}
type Node = FileNode | FolderNode;

interface Session {
  file: string;
  size: number;
  closed: boolean;
}

interface ListSnapshot {
  entries: object[];
}

class HttpError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** 409 with Dropbox's shape; `tags` is the chain of union tags, e.g. ['path', 'not_found']. */
function apiError(tags: string[], extra: Record<string, unknown> = {}): HttpError {
  // Build nested {".tag": a, a: {".tag": b, ...}} and merge `extra` at the innermost level.
  let inner: Record<string, unknown> = { '.tag': tags[tags.length - 1], ...extra };
  for (const tag of tags.slice(0, -1).reverse()) inner = { '.tag': tag, [tag]: inner };
  return new HttpError(409, { error_summary: `${tags.join('/')}/..`, error: inner });
}

/** The union tag each writing endpoint wraps a WriteError in (UploadError.path, DeleteError.path_write, RelocationError.to...). */
const WRITE_ERROR_TAG: Record<string, string> = {
  'files/upload': 'path',
  'files/upload_session/finish': 'path',
  'files/delete_v2': 'path_write',
  'files/move_v2': 'to',
  'files/create_folder_v2': 'path',
};

function badRequest(endpoint: string, msg: string): HttpError {
  return new HttpError(400, `Error in call to API function "${endpoint}": ${msg}`);
}

/** JSON safe for an HTTP header (Dropbox escapes non-ASCII as \uXXXX). */
function headerSafeJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${`000${c.charCodeAt(0).toString(16)}`.slice(-4)}`);
}

function nowIso(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

function parent(lower: string): string {
  const i = lower.lastIndexOf('/');
  return i <= 0 ? '' : lower.slice(0, i);
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function b64url(n: number): string {
  return randomBytes(n).toString('base64url');
}

export async function startDropboxServer(opts: DropboxServerOptions): Promise<DropboxServer> {
  const root = opts.root;
  const blobDir = join(root, 'blobs');
  const stagingDir = join(root, 'staging');
  await mkdir(blobDir, { recursive: true });
  await mkdir(stagingDir, { recursive: true });

  const appKey = opts.appKey ?? 'casevault-test-app';
  const ttl = opts.accessTokenTtlSeconds ?? 14400;
  const pageSize = opts.pageSize ?? 5;
  const maxUpload = opts.maxUploadBytes ?? 160 * 1024 * 1024;
  const presetRefresh = opts.refreshToken ?? `rt-${b64url(24)}`;

  const nodes = new Map<string, Node>(); // path_lower -> node ('' is the root, implicit)
  const sessions = new Map<string, Session>();
  const listings = new Map<string, ListSnapshot>();
  const accessTokens = new Map<string, number>(); // token -> expiry (ms)
  const refreshTokens = new Set<string>([presetRefresh]);
  const authCodes = new Map<string, { challenge: string; redirectUri: string; offline: boolean; used: boolean }>();

  let faults: DropboxFaults = {};
  let random = rng(1);
  const forced: Array<{ fault: ForcedFault; endpoint?: string }> = [];
  let counter = 0;
  const newId = () => `id:${(++counter).toString(36).padStart(6, '0')}${b64url(6)}`;
  const newRev = () => `${(++counter).toString(16).padStart(9, '0')}${randomBytes(4).toString('hex')}`;

  const freshStats = (): DropboxServerStats => ({
    requests: 0,
    byEndpoint: {},
    faults: {},
    tokensIssued: 0,
    refreshes: 0,
    uploads: 0,
    sessionsFinished: 0,
  });
  const stats = freshStats();
  const countFault = (kind: string) => {
    stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
  };

  const setFaults = (f: DropboxFaults) => {
    faults = { ...f };
    if (f.seed !== undefined) random = rng(f.seed);
  };
  setFaults(opts.faults ?? {});

  // ---- metadata helpers ----------------------------------------------------

  const fileMeta = (lower: string, n: FileNode, tagged: boolean) => ({
    ...(tagged ? { '.tag': 'file' } : {}),
    name: baseName(n.display),
    path_lower: lower,
    path_display: n.display,
    id: n.id,
    client_modified: n.clientModified,
    server_modified: n.serverModified,
    rev: n.rev,
    size: n.size,
    is_downloadable: true,
    content_hash: n.hash,
  });
  const folderMeta = (lower: string, n: FolderNode, tagged: boolean) => ({
    ...(tagged ? { '.tag': 'folder' } : {}),
    name: baseName(n.display),
    path_lower: lower,
    path_display: n.display,
    id: n.id,
  });
  const meta = (lower: string, n: Node, tagged = true) => (n.tag === 'file' ? fileMeta(lower, n, tagged) : folderMeta(lower, n, tagged));

  /** Validates a Dropbox path; returns [lower, given]. '' (root) only when allowRoot. */
  const checkPath = (endpoint: string, field: string, p: unknown, allowRoot = false): [string, string] => {
    if (typeof p !== 'string') throw badRequest(endpoint, `request body: ${field}: expected string`);
    if (p === '') {
      if (allowRoot) return ['', ''];
      throw badRequest(endpoint, `request body: ${field}: The root folder is unsupported.`);
    }
    if (p.startsWith('id:') || p.startsWith('ns:') || p.startsWith('rev:')) {
      throw badRequest(endpoint, `request body: ${field}: this test server supports only "/..." paths`);
    }
    if (!p.startsWith('/')) {
      throw badRequest(endpoint, `request body: ${field}: '${p}' did not match pattern '(/(.|[\\r\\n])*)|(ns:[0-9]+(/.*)?)|(id:.*)'`);
    }
    const segs = p.slice(1).split('/');
    if (segs.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
      throw apiError([field === 'from_path' ? 'from_lookup' : field === 'to_path' ? 'to' : 'path', 'malformed_path']);
    }
    return [p.toLowerCase(), p];
  };

  /** Display path for a new entry at `given`, keeping the case of existing parents. */
  const displayFor = (lower: string, given: string): string => {
    const par = parent(lower);
    if (par === '') return given;
    const pn = nodes.get(par);
    return `${pn ? pn.display : given.slice(0, given.lastIndexOf('/'))}/${baseName(given)}`;
  };

  /** The first ancestor of `lower` that is a file, if any. */
  const fileAncestor = (lower: string): string | undefined => {
    for (let p = parent(lower); p !== ''; p = parent(p)) if (nodes.get(p)?.tag === 'file') return p;
    return undefined;
  };

  /** Create the folders above `lower` (given casing from `given`). */
  const makeParents = (lower: string, given: string) => {
    const lsegs = lower.slice(1).split('/');
    const gsegs = given.slice(1).split('/');
    let l = '';
    let g = '';
    for (let i = 0; i < lsegs.length - 1; i++) {
      l += `/${lsegs[i]}`;
      const existing = nodes.get(l);
      g = existing ? existing.display : `${g}/${gsegs[i]}`;
      if (!existing) nodes.set(l, { tag: 'folder', display: g, id: newId() });
    }
  };

  const descendants = (lower: string): string[] => [...nodes.keys()].filter((k) => k === lower || k.startsWith(`${lower}/`));

  const removeBlob = (n: Node | undefined) => {
    if (n?.tag === 'file') void rm(join(blobDir, n.blob), { force: true });
  };

  // ---- writes --------------------------------------------------------------

  const parseMode = (m: unknown): { tag: string; rev?: string } => {
    if (m === undefined || m === null) return { tag: 'add' };
    if (typeof m === 'string') return { tag: m };
    const o = m as Record<string, unknown>;
    return { tag: String(o['.tag']), rev: typeof o.update === 'string' ? o.update : undefined };
  };

  /**
   * Commit staged bytes (the file at `staged`, `data` its contents) to `path`.
   * The staged file is renamed into blobs/ only once everything is checked.
   */
  const commit = async (
    endpoint: string,
    commitArg: Record<string, unknown>,
    staged: string,
    data: Buffer,
    errTags: (tags: string[]) => string[],
    extra: Record<string, unknown> = {},
  ) => {
    const [lower, given] = checkPath(endpoint, 'path', commitArg.path);
    const mode = parseMode(commitArg.mode);
    const existing = nodes.get(lower);
    if (fileAncestor(lower)) throw apiError(errTags(['path', 'conflict', 'file_ancestor']), extra);
    if (existing?.tag === 'folder') throw apiError(errTags(['path', 'conflict', 'folder']), extra);
    let target = lower;
    let targetGiven = given;
    if (faults.corruptUploads && faults.corruptUploads > 0 && data.length > 0) {
      faults.corruptUploads--;
      countFault('corrupt-upload');
      data[Math.floor(data.length / 2)]! ^= 0x01;
      await writeFile(staged, data);
    }
    const hash = dropboxContentHash(data);
    if (existing?.tag === 'file') {
      if (mode.tag === 'add') {
        if (existing.hash === hash) return fileMeta(lower, existing, false);
        if (commitArg.autorename !== true) throw apiError(errTags(['path', 'conflict', 'file']), extra);
        const dot = given.lastIndexOf('.') > given.lastIndexOf('/') ? given.lastIndexOf('.') : given.length;
        for (let i = 1; ; i++) {
          const cand = `${given.slice(0, dot)} (${i})${given.slice(dot)}`;
          if (!nodes.has(cand.toLowerCase())) {
            target = cand.toLowerCase();
            targetGiven = cand;
            break;
          }
        }
      } else if (mode.tag === 'update') {
        if (existing.rev !== mode.rev) throw apiError(errTags(['path', 'conflict', 'file']), extra);
      } else if (mode.tag !== 'overwrite') {
        throw badRequest(endpoint, 'request body: mode: unknown tag');
      }
    }
    const blob = b64url(12);
    await rename(staged, join(blobDir, blob));
    // Re-check after the await: another request may have changed the tree.
    const now = nodes.get(target);
    if (now?.tag === 'folder' || fileAncestor(target)) {
      await rm(join(blobDir, blob), { force: true });
      throw apiError(errTags(['path', 'conflict', now?.tag === 'folder' ? 'folder' : 'file_ancestor']), extra);
    }
    makeParents(target, targetGiven);
    const node: FileNode = {
      tag: 'file',
      display: now ? now.display.slice(0, now.display.lastIndexOf('/') + 1) + baseName(targetGiven) : displayFor(target, targetGiven),
      id: now?.id ?? newId(),
      rev: newRev(),
      size: data.length,
      hash,
      blob,
      serverModified: nowIso(),
      clientModified: typeof commitArg.client_modified === 'string' ? commitArg.client_modified : nowIso(),
    };
    removeBlob(now);
    nodes.set(target, node);
    stats.uploads++;
    return fileMeta(target, node, false);
  };

  const stageBody = async (body: Buffer): Promise<string> => {
    const f = join(stagingDir, `up-${b64url(12)}`);
    await writeFile(f, body);
    return f;
  };

  // ---- endpoints -----------------------------------------------------------

  type Handler = (arg: Record<string, unknown>, body: Buffer, res: ServerResponse) => Promise<unknown>;

  const endpoints: Record<string, { style: 'rpc' | 'upload' | 'download'; handle: Handler }> = {
    'files/upload': {
      style: 'upload',
      handle: async (arg, body) => {
        const staged = await stageBody(body);
        try {
          return await commit('files/upload', arg, staged, body, (t) => t, { upload_session_id: '' });
        } finally {
          await rm(staged, { force: true });
        }
      },
    },
    'files/upload_session/start': {
      style: 'upload',
      handle: async (arg, body) => {
        const id = `pid_upload_session:${b64url(18)}`;
        const file = join(stagingDir, `session-${b64url(12)}`);
        await writeFile(file, body);
        sessions.set(id, { file, size: body.length, closed: arg.close === true });
        return { session_id: id };
      },
    },
    'files/upload_session/append_v2': {
      style: 'upload',
      handle: async (arg, body) => {
        const cursor = (arg.cursor ?? {}) as Record<string, unknown>;
        const s = sessions.get(String(cursor.session_id));
        if (!s) throw apiError(['not_found']);
        if (s.closed) throw apiError(['closed']);
        if (cursor.offset !== s.size) throw apiError(['incorrect_offset'], { correct_offset: s.size });
        s.size += body.length; // claimed before the await, so a racing append sees the new offset
        await appendFile(s.file, body);
        if (arg.close === true) s.closed = true;
        return null;
      },
    },
    'files/upload_session/finish': {
      style: 'upload',
      handle: async (arg, body) => {
        const cursor = (arg.cursor ?? {}) as Record<string, unknown>;
        const id = String(cursor.session_id);
        const s = sessions.get(id);
        if (!s) throw apiError(['lookup_failed', 'not_found']);
        if (cursor.offset !== s.size) throw apiError(['lookup_failed', 'incorrect_offset'], { correct_offset: s.size });
        if (s.closed && body.length > 0) throw apiError(['lookup_failed', 'closed']);
        sessions.delete(id);
        if (body.length > 0) await appendFile(s.file, body);
        const data = await readFile(s.file);
        try {
          const m = await commit('files/upload_session/finish', (arg.commit ?? {}) as Record<string, unknown>, s.file, data, (t) => t);
          stats.sessionsFinished++;
          return m;
        } finally {
          await rm(s.file, { force: true });
        }
      },
    },
    'files/download': {
      style: 'download',
      handle: async (arg, _body, res) => {
        const [lower] = checkPath('files/download', 'path', arg.path);
        const n = nodes.get(lower);
        if (!n) throw apiError(['path', 'not_found']);
        if (n.tag !== 'file') throw apiError(['path', 'not_file']);
        res.setHeader('Dropbox-API-Result', headerSafeJson(fileMeta(lower, n, false)));
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(n.size));
        if (faults.corruptDownloads && faults.corruptDownloads > 0 && n.size > 0) {
          faults.corruptDownloads--;
          countFault('corrupt-download');
          const data = await readFile(join(blobDir, n.blob));
          data[Math.floor(data.length / 2)]! ^= 0x01;
          res.writeHead(200);
          res.end(data);
          return STREAMED;
        }
        res.writeHead(200);
        await new Promise<void>((resolve, reject) => {
          const rs = createReadStream(join(blobDir, n.blob));
          rs.on('error', reject);
          rs.on('end', resolve);
          rs.pipe(res);
        });
        return STREAMED;
      },
    },
    'files/get_metadata': {
      style: 'rpc',
      handle: async (arg) => {
        const [lower] = checkPath('files/get_metadata', 'path', arg.path);
        const n = nodes.get(lower);
        if (!n) throw apiError(['path', 'not_found']);
        return meta(lower, n);
      },
    },
    'files/list_folder': {
      style: 'rpc',
      handle: async (arg) => {
        const [lower] = checkPath('files/list_folder', 'path', arg.path ?? '', true);
        if (lower !== '') {
          const n = nodes.get(lower);
          if (!n) throw apiError(['path', 'not_found']);
          if (n.tag !== 'folder') throw apiError(['path', 'not_folder']);
        }
        const recursive = arg.recursive === true;
        const keys = [...nodes.keys()]
          .filter((k) => {
            if (lower === '') return recursive || parent(k) === '';
            if (k === lower) return recursive; // a recursive listing includes the folder itself
            return k.startsWith(`${lower}/`) && (recursive || parent(k) === lower);
          })
          .sort();
        const entries = keys.map((k) => meta(k, nodes.get(k)!));
        const limit = typeof arg.limit === 'number' && arg.limit > 0 ? Math.min(arg.limit, pageSize) : pageSize;
        const snapId = b64url(9);
        listings.set(snapId, { entries });
        return page(snapId, 0, limit);
      },
    },
    'files/list_folder/continue': {
      style: 'rpc',
      handle: async (arg) => {
        if (typeof arg.cursor !== 'string') throw badRequest('files/list_folder/continue', 'request body: cursor: expected string');
        let c: { s: string; o: number; l: number };
        try {
          c = JSON.parse(Buffer.from(arg.cursor, 'base64url').toString('utf8'));
        } catch {
          throw badRequest('files/list_folder/continue', 'Invalid "cursor" parameter');
        }
        if (!listings.has(c.s)) throw apiError(['reset']);
        return page(c.s, c.o, c.l);
      },
    },
    'files/delete_v2': {
      style: 'rpc',
      handle: async (arg) => {
        const [lower] = checkPath('files/delete_v2', 'path', arg.path);
        const n = nodes.get(lower);
        if (!n) throw apiError(['path_lookup', 'not_found']);
        const m = meta(lower, n);
        for (const k of descendants(lower)) {
          removeBlob(nodes.get(k));
          nodes.delete(k);
        }
        return { metadata: m };
      },
    },
    'files/move_v2': {
      style: 'rpc',
      handle: async (arg) => {
        const [from] = checkPath('files/move_v2', 'from_path', arg.from_path);
        const [to, toGiven] = checkPath('files/move_v2', 'to_path', arg.to_path);
        const n = nodes.get(from);
        if (!n) throw apiError(['from_lookup', 'not_found']);
        if (to.startsWith(`${from}/`)) throw apiError(['cant_move_folder_into_itself']);
        if (fileAncestor(to)) throw apiError(['to', 'conflict', 'file_ancestor']);
        const existing = nodes.get(to);
        if (existing && to !== from) {
          if (arg.autorename === true) throw badRequest('files/move_v2', 'autorename is not supported by this test server');
          throw apiError(['to', 'conflict', existing.tag]);
        }
        makeParents(to, toGiven);
        const newDisplay = to === from ? n.display.slice(0, n.display.lastIndexOf('/') + 1) + baseName(toGiven) : displayFor(to, toGiven);
        const moved = descendants(from).map((k) => [k, nodes.get(k)!] as const);
        for (const [k] of moved) nodes.delete(k);
        for (const [k, node] of moved) {
          const nk = to + k.slice(from.length);
          const nd = newDisplay + node.display.slice(n.display.length);
          nodes.set(nk, { ...node, display: nd } as Node);
        }
        return { metadata: meta(to, nodes.get(to)!) };
      },
    },
    'files/create_folder_v2': {
      style: 'rpc',
      handle: async (arg) => {
        const [lower, given] = checkPath('files/create_folder_v2', 'path', arg.path);
        const existing = nodes.get(lower);
        if (existing) throw apiError(['path', 'conflict', existing.tag]);
        if (fileAncestor(lower)) throw apiError(['path', 'conflict', 'file_ancestor']);
        makeParents(lower, given);
        const node: FolderNode = { tag: 'folder', display: displayFor(lower, given), id: newId() };
        nodes.set(lower, node);
        return { metadata: folderMeta(lower, node, false) };
      },
    },
    'users/get_current_account': {
      style: 'rpc',
      handle: async () => ({
        account_id: 'dbid:AAC-casevault-test-account',
        name: {
          given_name: 'Test',
          surname: 'Caseworker',
          familiar_name: 'Test',
          display_name: 'Test Caseworker',
          abbreviated_name: 'TC',
        },
        email: 'caseworker@example.invalid',
        email_verified: true,
        disabled: false,
        country: 'GB',
        locale: 'en',
        referral_link: 'https://db.tt/test',
        is_paired: false,
        account_type: { '.tag': 'basic' },
        root_info: { '.tag': 'user', root_namespace_id: '1', home_namespace_id: '1' },
      }),
    },
  };

  const page = (snapId: string, offset: number, limit: number) => {
    const snap = listings.get(snapId)!;
    const entries = snap.entries.slice(offset, offset + limit);
    const next = offset + entries.length;
    const hasMore = next < snap.entries.length;
    const cursor = Buffer.from(JSON.stringify({ s: snapId, o: next, l: limit })).toString('base64url');
    return { entries, cursor, has_more: hasMore };
  };

  // ---- OAuth ---------------------------------------------------------------

  const issueAccessToken = () => {
    const t = `sl.${b64url(32)}`;
    accessTokens.set(t, Date.now() + ttl * 1000);
    stats.tokensIssued++;
    return t;
  };

  const oauthError = (error: string, description: string) => new HttpError(400, { error, error_description: description });

  const handleToken = (params: URLSearchParams) => {
    const clientId = params.get('client_id');
    if (clientId !== appKey) throw oauthError('invalid_client', 'Invalid client_id or client_secret');
    const secret = params.get('client_secret');
    if (secret !== null && secret !== opts.appSecret) throw oauthError('invalid_client', 'Invalid client_id or client_secret');
    const grant = params.get('grant_type');
    if (grant === 'refresh_token') {
      const rt = params.get('refresh_token') ?? '';
      if (!refreshTokens.has(rt)) throw oauthError('invalid_grant', 'refresh token is invalid or revoked');
      stats.refreshes++;
      return { access_token: issueAccessToken(), token_type: 'bearer', expires_in: ttl };
    }
    if (grant === 'authorization_code') {
      const code = params.get('code') ?? '';
      const c = authCodes.get(code);
      if (!c || c.used) throw oauthError('invalid_grant', "code doesn't exist or has expired");
      c.used = true;
      if ((params.get('redirect_uri') ?? '') !== c.redirectUri) throw oauthError('invalid_grant', 'redirect_uri mismatch');
      const verifier = params.get('code_verifier');
      if (secret === null) {
        if (!verifier) throw oauthError('invalid_request', 'No auth function available for given request');
        if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) {
          throw oauthError('invalid_grant', 'invalid code verifier');
        }
      }
      const out: Record<string, unknown> = {
        access_token: issueAccessToken(),
        token_type: 'bearer',
        expires_in: ttl,
        scope: 'account_info.read files.content.read files.content.write files.metadata.read files.metadata.write',
        account_id: 'dbid:AAC-casevault-test-account',
        uid: '12345',
      };
      if (c.offline) {
        const rt = `rt-${b64url(24)}`;
        refreshTokens.add(rt);
        out.refresh_token = rt;
      }
      return out;
    }
    throw oauthError('unsupported_grant_type', 'grant_type is not supported');
  };

  /** GET /oauth2/authorize: the user "approves" at once; redirect back with a code. */
  const handleAuthorize = (q: URLSearchParams, res: ServerResponse) => {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== appKey || q.get('response_type') !== 'code' || !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(redirectUri)) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('Invalid authorization request');
      return;
    }
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256') {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('PKCE (code_challenge, S256) is required by this test server');
      return;
    }
    const code = b64url(24);
    authCodes.set(code, { challenge, redirectUri, offline: q.get('token_access_type') === 'offline', used: false });
    const loc = new URL(redirectUri);
    loc.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) loc.searchParams.set('state', state);
    res.writeHead(302, { Location: loc.toString() });
    res.end();
  };

  // ---- request plumbing ----------------------------------------------------

  const send = (res: ServerResponse, e: HttpError) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const isText = typeof e.body === 'string';
    const body = isText ? (e.body as string) : JSON.stringify(e.body);
    res.writeHead(e.status, {
      'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      ...e.headers,
    });
    res.end(body);
  };

  const sendJson = (res: ServerResponse, v: unknown) => {
    const body = JSON.stringify(v);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  /** Reads the whole body; rejects if the client goes away first or it is too big. */
  const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const parts: Buffer[] = [];
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
        if (n > limit) {
          reject(new HttpError(413, 'body too large'));
          req.destroy();
          return;
        }
        parts.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(parts)));
      req.on('error', reject);
      req.on('aborted', () => reject(new Error('aborted')));
      req.on('close', () => {
        if (!req.complete) reject(new Error('aborted'));
      });
    });

  /** Destroys the connection once part of the body has arrived: nothing is applied. */
  const dropMidBody = (req: IncomingMessage) =>
    new Promise<void>((resolve) => {
      let got = 0;
      const total = Number(req.headers['content-length'] ?? 0);
      const kill = () => {
        req.socket.destroy();
        resolve();
      };
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= Math.min(total / 2, 64 * 1024)) kill();
      });
      req.on('end', kill);
      req.on('close', resolve);
      if (total === 0) kill();
    });

  const pickFault = (path: string, isToken: boolean, hasBody: boolean): ForcedFault | undefined => {
    const i = forced.findIndex((f) => f.endpoint === undefined || f.endpoint === path);
    if (i >= 0) return forced.splice(i, 1)[0]!.fault;
    if (isToken && faults.includeToken === false) return undefined;
    const r = random();
    let acc = 0;
    const table: Array<[ForcedFault, number | undefined]> = [
      ['429', faults.rate429],
      ['500', faults.rate500],
      ['503', faults.rate503],
      ['drop-upload', hasBody ? faults.dropUpload : 0],
      ['drop-response', faults.dropResponse],
      ['expire-token', isToken ? 0 : faults.expireToken],
    ];
    for (const [kind, p] of table) {
      acc += p ?? 0;
      if (r < acc) return kind;
    }
    return undefined;
  };

  const STATUS_FAULTS: Partial<Record<ForcedFault, () => HttpError>> = {
    '429': () => {
      const ra = faults.retryAfterSeconds ?? 1;
      return new HttpError(
        429,
        { error_summary: 'too_many_requests/..', error: { reason: { '.tag': 'too_many_requests' }, retry_after: ra } },
        { 'Retry-After': String(ra) },
      );
    },
    '500': () => new HttpError(500, 'Internal Server Error'),
    '503': () => new HttpError(503, 'Service Unavailable', { 'Retry-After': String(faults.retryAfterSeconds ?? 1) }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    stats.requests++;
    stats.byEndpoint[path] = (stats.byEndpoint[path] ?? 0) + 1;

    if (req.method === 'GET' && path === '/oauth2/authorize') {
      req.resume();
      handleAuthorize(url.searchParams, res);
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'Method Not Allowed');

    const isToken = path === '/oauth2/token';
    const ep = path.startsWith('/2/') ? endpoints[path.slice(3)] : undefined;
    if (!isToken && !ep) throw new HttpError(404, 'Unknown API function');

    if (faults.delayMs && faults.delayMs > 0 && random() < (faults.delayRate ?? 0)) {
      countFault('delay');
      await new Promise((r) => setTimeout(r, faults.delayMs));
    }

    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const fault = pickFault(path, isToken, hasBody);
    if (fault === 'drop-upload') {
      countFault(fault);
      await dropMidBody(req);
      return;
    }
    const body = await readBody(req, ep?.style === 'upload' ? maxUpload : 1024 * 1024);
    const statusFault = fault ? STATUS_FAULTS[fault] : undefined;
    if (statusFault) {
      countFault(fault!);
      throw statusFault();
    }

    let result: unknown;
    if (isToken) {
      const params = new URLSearchParams(url.search);
      const ctype = String(req.headers['content-type'] ?? '');
      if (body.length > 0) {
        if (ctype.includes('application/json')) {
          try {
            for (const [k, v] of Object.entries(JSON.parse(body.toString('utf8')) as Record<string, unknown>)) params.set(k, String(v));
          } catch {
            throw oauthError('invalid_request', 'malformed body');
          }
        } else {
          for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
        }
      }
      result = handleToken(params);
    } else {
      const endpoint = path.slice(3);
      // Authentication.
      const auth = String(req.headers.authorization ?? '');
      const m = /^Bearer (.+)$/.exec(auth);
      if (!m) throw badRequest(endpoint, 'Must provide HTTP header "Authorization" or URL parameter "authorization".');
      const token = m[1]!; // (.+) matched
      if (fault === 'expire-token' && accessTokens.has(token)) {
        countFault(fault);
        accessTokens.set(token, 0);
      }
      const exp = accessTokens.get(token);
      if (exp === undefined) {
        throw new HttpError(401, { error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } });
      }
      if (exp <= Date.now()) {
        throw new HttpError(401, { error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } });
      }
      // Arguments: JSON body for RPC, Dropbox-API-Arg header for upload/download.
      let arg: Record<string, unknown> = {};
      if (ep!.style === 'rpc') {
        const text = body.toString('utf8');
        if (text !== '' && text !== 'null') {
          try {
            arg = JSON.parse(text) as Record<string, unknown>;
          } catch {
            throw badRequest(endpoint, 'could not decode input as JSON');
          }
        }
      } else {
        const h = req.headers['dropbox-api-arg'];
        if (typeof h !== 'string') throw badRequest(endpoint, 'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".');
        try {
          arg = JSON.parse(h) as Record<string, unknown>;
        } catch {
          throw badRequest(endpoint, 'HTTP header "Dropbox-API-Arg": could not decode input as JSON');
        }
      }
      const writeTag = WRITE_ERROR_TAG[endpoint];
      if (faults.refuseWrites && writeTag) {
        countFault('refuse-write');
        throw apiError([writeTag, faults.refuseWrites]);
      }
      if (fault === 'drop-response' && ep!.style === 'download') {
        // Apply nothing (downloads change nothing); cut the connection instead of answering.
        countFault(fault);
        req.socket.destroy();
        return;
      }
      result = await ep!.handle(arg ?? {}, body, res);
      if (result === STREAMED) return;
    }
    if (fault === 'drop-response') {
      countFault(fault);
      req.socket.destroy();
      return;
    }
    sendJson(res, result);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) {
        // Drain what is left of the body so keep-alive stays usable, then answer.
        if (!req.complete) req.resume();
        send(res, e);
      } else if (!res.headersSent && !req.socket.destroyed && req.complete) {
        send(res, new HttpError(500, 'Internal Server Error'));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    root,
    appKey,
    refreshToken: presetRefresh,
    stats,
    setFaults,
    failNext: (...fs: Array<ForcedFault | { fault: ForcedFault; endpoint: string }>) => {
      for (const f of fs) forced.push(typeof f === 'string' ? { fault: f } : f);
    },
    expireAllTokens: () => {
      for (const t of accessTokens.keys()) accessTokens.set(t, 0);
    },
    revokeRefreshTokens: () => refreshTokens.clear(),
    resetStats: () => {
      Object.assign(stats, freshStats());
    },
    files: (under = '') => {
      const u = under.toLowerCase();
      return [...nodes.entries()]
        .filter(([k, n]) => n.tag === 'file' && (u === '' || k.startsWith(`${u}/`)))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, n]) => {
          const f = n as FileNode;
          return { path: f.display, pathLower: k, size: f.size, contentHash: f.hash, rev: f.rev };
        });
    },
    readFile: async (p: string) => {
      const n = nodes.get(p.toLowerCase());
      return n?.tag === 'file' ? readFile(join(blobDir, n.blob)) : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }),
  };
}

const STREAMED = Symbol('streamed');
