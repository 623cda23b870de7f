// Length-hiding framing shared by the backup formats' encrypted sections:
// u32 length | data | zeros up to the Padmé length of the whole.
import { DamagedData } from '../errors.js';
import { padmeLength } from '../padding.js';

export function padFrame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(padmeLength(4 + data.length));
  new DataView(out.buffer).setUint32(0, data.length, true);
  out.set(data, 4);
  return out;
}

export function unpadFrame(framed: Uint8Array, what: string): Uint8Array {
  if (framed.length < 4) throw new DamagedData(`damaged or tampered backup ${what} (short)`);
  const n = new DataView(framed.buffer, framed.byteOffset, 4).getUint32(0, true);
  if (4 + n > framed.length || framed.length !== padmeLength(4 + n)) throw new DamagedData(`damaged or tampered backup ${what} (length)`);
  for (let i = 4 + n; i < framed.length; i++) if (framed[i] !== 0) throw new DamagedData(`damaged or tampered backup ${what} (padding)`);
  return framed.subarray(4, 4 + n);
}

/** Bounds-checked little-endian reader over a decrypted section. */
export class Reader {
  private o = 0;
  private readonly view: DataView;
  constructor(
    private readonly b: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number): void {
    if (this.o + n > this.b.length) throw new DamagedData(`damaged or tampered backup ${this.what} (truncated)`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.o++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.o, true);
    this.o += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.o, true);
    this.o += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.o, true);
    this.o += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DamagedData(`damaged or tampered backup ${this.what} (number)`);
    return Number(v);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  get remaining(): number {
    return this.b.length - this.o;
  }
  end(): void {
    if (this.o !== this.b.length) throw new DamagedData(`damaged or tampered backup ${this.what} (trailing bytes)`);
  }
}

/** Growable little-endian writer. */
export class Writer {
  private buf = new Uint8Array(256);
  private o = 0;
  private ensure(n: number): void {
    if (this.o + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.o + n));
    next.set(this.buf.subarray(0, this.o));
    this.buf = next;
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.o++] = v;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    new DataView(this.buf.buffer).setUint16(this.o, v, true);
    this.o += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.o, v, true);
    this.o += 4;
    return this;
  }
  u64(v: number): this {
    this.ensure(8);
    new DataView(this.buf.buffer).setBigUint64(this.o, BigInt(v), true);
    this.o += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.o);
    this.o += b.length;
    return this;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.o);
  }
}
