// The public surface of the backup formats: engine/backup/ imports from here only.
export { ready, type Sodium } from './sodium.js';
export { randomBytes } from './random.js';
export { DamagedData } from './errors.js';
export { repoWrapKey, deriveRepoKeys, wipeRepoKeys, type RepoKeys } from './backup-keys.js';
export { Chunker, DEFAULT_CHUNKER, checkChunkerParams, type ChunkerParams } from './backup-chunker.js';
export { blobId, openBlob, maybeCompress, sealChunk, BLOB_DATA, type BlobEntry } from './backup-blob.js';
export { PackBuilder, packPadding, openPackHeader, parsePackPrefix, slotKey, PACK_PREFIX, type PackHeader } from './backup-pack.js';
export { sealIndex, openIndex, type IndexedPack } from './backup-index.js';
export { sealManifest, openManifest, openManifestSummary, type ManifestFile, type ManifestSummary } from './backup-manifest.js';
export { sealRepoConfig, openRepoConfig, ForeignRepository, DEFAULT_PACK_SIZE, checkRepoParams, type RepoParams } from './backup-config.js';
