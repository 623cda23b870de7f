// Typed failures of the formats. The CLI and the UI map each to one message
// and one exit code (cli/exit-codes.ts); messages here never carry key
// material, plaintext or file names.

export class CasevaultError extends Error {}

/** The passphrase or recovery key does not open this key file. */
export class WrongSecret extends CasevaultError {
  override name = 'WrongSecret';
}

/** A recovery key that is malformed or has a typo (caught by its checksum before any key derivation). */
export class BadRecoveryKey extends CasevaultError {
  override name = 'BadRecoveryKey';
}

/** Data that fails authentication or parsing: damaged, truncated, swapped or forged. */
export class DamagedData extends CasevaultError {
  override name = 'DamagedData';
}

/** A decrypted path that would land outside its target (.., absolute, drive letter, NUL...). */
export class UnsafePath extends CasevaultError {
  override name = 'UnsafePath';
}

/** A format version or parameter set this build does not accept. */
export class UnsupportedFormat extends CasevaultError {
  override name = 'UnsupportedFormat';
}

/** A file changed while it was being read, so its object would not be a true copy. */
export class FileChanged extends CasevaultError {
  override name = 'FileChanged';
}
