// The send package's door for the engine and the tests: writing, opening,
// the suggested passphrase and the layout's constants. The recipient's page
// imports open.ts and format.ts directly (send-page/), never this file,
// because seal.ts and passphrase.ts load Node's randomness.
export { sealPackage, type SealOptions } from './seal.js';
export { openPackage, openWithKey, readPackageHeader, type ContentPiece, type OpenedPackage, type PackageSource } from './open.js';
export { speakablePassphrase, SPEAKABLE_WORDS } from './passphrase.js';
export {
  checkName,
  HEADER_LEN,
  MAX_FILES,
  MAX_NAME_BYTES,
  MAX_TOTAL,
  MESSAGE_LEN,
  normalisePassphrase,
  packageLength,
  paddedLength,
  parseHeader,
  SEND_KDF,
  SEND_KDF_BOUNDS,
  type Manifest,
  type ManifestFile,
  type SendHeader,
  type SendKdf,
} from './format.js';
export { packageHtml, PACKAGE_MARKER, PIECE_TYPE } from './carrier.js';
