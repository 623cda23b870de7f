// Dropbox's content_hash (SHA-256 of the concatenated SHA-256 digests of each
// 4 MiB block), computed while an object is sent or received, to check that
// the bytes Dropbox stored or sent are the bytes expected.
import { createHash } from 'node:crypto';

const BLOCK = 4 * 1024 * 1024;

export class DropboxContentHasher {
  private outer = createHash('sha256');
  private block = createHash('sha256');
  private inBlock = 0;

  update(data: Uint8Array): this {
    let o = 0;
    while (o < data.length) {
      const n = Math.min(BLOCK - this.inBlock, data.length - o);
      this.block.update(data.subarray(o, o + n));
      this.inBlock += n;
      o += n;
      if (this.inBlock === BLOCK) {
        this.outer.update(this.block.digest());
        this.block = createHash('sha256');
        this.inBlock = 0;
      }
    }
    return this;
  }

  /** Hex digest; the hasher is spent afterwards. */
  digest(): string {
    if (this.inBlock > 0) this.outer.update(this.block.digest());
    return this.outer.digest('hex');
  }
}

export function dropboxContentHash(data: Uint8Array): string {
  return new DropboxContentHasher().update(data).digest();
}
