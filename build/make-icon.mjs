#!/usr/bin/env node
// Draws the app icon (build/icon.png, 512×512 RGBA) without any image library or download:
// a rounded green tile with a ring of small "greenlets" around a core. electron-builder
// derives the Linux sizes, the macOS .icns and the Windows .ico from this one PNG.
// Re-run with `node build/make-icon.mjs` after changing the drawing; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Signed distance helpers; coverage = clamp(0.5 - d) gives a one-pixel anti-aliased edge.
const cover = (d) => Math.max(0, Math.min(1, 0.5 - d));
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
function roundRect(x, y, inset, radius) {
  const half = SIZE / 2 - inset;
  const qx = Math.abs(x - SIZE / 2) - (half - radius);
  const qy = Math.abs(y - SIZE / 2) - (half - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

function draw() {
  const px = Buffer.alloc(SIZE * SIZE * 4);
  const ring = Array.from({ length: 8 }, (_, i) => {
    const a = (i / 8) * Math.PI * 2 - Math.PI / 2;
    return [SIZE / 2 + Math.cos(a) * 150, SIZE / 2 + Math.sin(a) * 150, 34];
  });
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const sx = x + 0.5,
        sy = y + 0.5;
      const tile = cover(roundRect(sx, sy, 24, 96));
      // vertical gradient from leaf green to deep green
      const t = sy / SIZE;
      let r = 46 + (20 - 46) * t,
        g = 184 + (110 - 184) * t,
        b = 92 + (64 - 92) * t;
      const light = (amount, cr, cg, cb) => {
        r += (cr - r) * amount;
        g += (cg - g) * amount;
        b += (cb - b) * amount;
      };
      light(cover(Math.abs(circle(sx, sy, SIZE / 2, SIZE / 2, 150)) - 6) * 0.45, 255, 255, 255); // orbit
      for (const [cx, cy, rr] of ring) light(cover(circle(sx, sy, cx, cy, rr)), 240, 255, 244);
      light(cover(circle(sx, sy, SIZE / 2, SIZE / 2, 70)), 255, 255, 255); // core
      light(cover(circle(sx, sy, SIZE / 2, SIZE / 2, 38)), 30, 140, 76);
      const i = (y * SIZE + x) * 4;
      px[i] = Math.round(r);
      px[i + 1] = Math.round(g);
      px[i + 2] = Math.round(b);
      px[i + 3] = Math.round(tile * 255);
    }
  }
  return px;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'icon.png');
  const png = encodePng(SIZE, SIZE, draw());
  writeFileSync(file, png);
  console.log(`wrote ${file} (${png.length} bytes, ${SIZE}x${SIZE})`);
}
