// The public surface of the backup formats: engine/backup/ imports from here only.
export { ready, type Sodium } from '../sodium.js';
export { randomBytes } from '../random.js';
export { DamagedData } from '../errors.js';
export { repoWrapKey, deriveRepoKeys, wipeRepoKeys, type RepoKeys } from './keys.js';
export { Chunker, DEFAULT_CHUNKER, checkChunkerParams, type ChunkerParams } from './chunker.js';
export { blobId, openBlob, maybeCompress, sealChunk, BLOB_DATA, type BlobEntry } from './blob.js';
export { PackBuilder, packPadding, openPackHeader, parsePackPrefix, slotKey, PACK_PREFIX, type PackHeader } from './pack.js';
export { sealIndex, openIndex, type IndexedPack } from './index-file.js';
export { sealManifest, openManifest, openManifestSummary, manifestIsOurs, type ManifestFile, type ManifestSummary } from './manifest.js';
export {
  sealRepoConfig,
  openRepoConfig,
  manifestDigest,
  ForeignRepository,
  DEFAULT_PACK_SIZE,
  checkRepoParams,
  type RepoParams,
  type EarlierGeneration,
  type AcceptedSnapshot,
  type OpenedRepoConfig,
} from './config.js';
