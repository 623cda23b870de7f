// The backup formats' functions the vector generator and tests use.
export * from '../../crypto/backup/index.js';
export { gearTable } from '../../crypto/backup/chunker.js';
