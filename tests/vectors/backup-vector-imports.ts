// The backup formats' functions the vector generator and tests use.
export * from '../../crypto/backup-formats.js';
export { gearTable } from '../../crypto/backup-chunker.js';
