// Draws the app and tray icons (a padlock on a rounded square) as PNGs, with
// no image tools: run `node build/make-icons.mjs` after changing a colour.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel((x + 0.5) / size, (y + 0.5) / size), 1 + x * 4);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function padlock(bg) {
  return (x, y) => {
    const r = 0.18;
    const dx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0);
    const dy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0);
    if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
    const body = x > 0.27 && x < 0.73 && y > 0.45 && y < 0.8;
    const d = Math.hypot(x - 0.5, y - 0.45);
    const shackle = y < 0.45 && d > 0.12 && d < 0.19;
    const keyhole = Math.hypot(x - 0.5, y - 0.58) < 0.045 || (Math.abs(x - 0.5) < 0.02 && y > 0.58 && y < 0.7);
    if ((body && !keyhole) || shackle) return [255, 255, 255, 255];
    return [...bg, 255];
  };
}

const out = new URL('./icons/', import.meta.url);
writeFileSync(new URL('icon.png', out), png(512, padlock([31, 95, 191])));
writeFileSync(new URL('tray-synced.png', out), png(32, padlock([30, 122, 69])));
writeFileSync(new URL('tray-syncing.png', out), png(32, padlock([31, 95, 191])));
writeFileSync(new URL('tray-attention.png', out), png(32, padlock([179, 38, 30])));
