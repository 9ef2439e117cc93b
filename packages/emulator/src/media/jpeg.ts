/**
 * A compact baseline JPEG encoder (ITU-T T.81 | ISO/IEC 10918-1, sequential DCT, Huffman coding) with a
 * JFIF APP0 segment. Colour is full-range Y'CbCr 4:4:4: no chroma subsampling keeps small coloured text
 * crisp, and the images it is used for (spritesheets) are small. The quantisation tables are the
 * example tables of Annex K.1 scaled by the IJG quality convention; the Huffman tables are the
 * "typical" tables of Annex K.3, so no statistics pass is needed.
 */
import { MsbBitWriter } from './bit-writer.js';
import { type Raster, rgbToYcbcrFull } from './raster.js';

/** Zig-zag order (T.81 Figure A.6): ZIGZAG[k] is the row-major index of the k-th coefficient sent. */
// biome-ignore format: 8 per line mirrors the 8x8 block.
export const ZIGZAG = Uint8Array.of(
  0, 1, 8, 16, 9, 2, 3, 10,
  17, 24, 32, 25, 18, 11, 4, 5,
  12, 19, 26, 33, 40, 48, 41, 34,
  27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36,
  29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
);

/** Table K.1, luminance quantisation, row-major. */
// biome-ignore format: 8 per line mirrors the 8x8 block.
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61,
  12, 12, 14, 19, 26, 58, 60, 55,
  14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77,
  24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];

/** Table K.2, chrominance quantisation, row-major. */
// biome-ignore format: 8 per line mirrors the 8x8 block.
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99,
  18, 21, 26, 66, 99, 99, 99, 99,
  24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
];

/** A Huffman table as in a DHT segment: BITS (codes of each length 1..16) and HUFFVAL (T.81 B.2.4.2). */
export interface HuffmanSpec {
  readonly bits: readonly number[];
  readonly values: readonly number[];
}

/** Table K.3: DC luminance. */
export const DC_LUMA: HuffmanSpec = {
  bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};

/** Table K.4: DC chrominance. */
export const DC_CHROMA: HuffmanSpec = {
  bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};

/** Table K.5: AC luminance (symbols are RRRRSSSS: zero run, size). */
export const AC_LUMA: HuffmanSpec = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  // biome-ignore format: table data
  values: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
    0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
    0xf9, 0xfa,
  ],
};

/** Table K.6: AC chrominance. */
export const AC_CHROMA: HuffmanSpec = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  // biome-ignore format: table data
  values: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
    0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
    0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
    0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
    0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
    0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
    0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
    0xf9, 0xfa,
  ],
};

/** Encoder form of a Huffman table: code and length per symbol (T.81 Annex C, "Generate_code_table"). */
interface HuffmanCode {
  readonly code: Uint16Array;
  readonly size: Uint8Array;
}

function huffmanCode(spec: HuffmanSpec): HuffmanCode {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let next = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const count = spec.bits[length - 1] ?? 0;
    for (let i = 0; i < count; i++) {
      const symbol = spec.values[k++] ?? 0;
      code[symbol] = next++;
      size[symbol] = length;
    }
    next <<= 1;
  }
  return { code, size };
}

/** IJG quality scaling of a base table: 50 keeps it, 100 makes every step 1. */
function scaleQuant(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const factor = q < 50 ? 5000 / q : 200 - 2 * q;
  return Uint8Array.from(base, (v) => Math.min(255, Math.max(1, Math.floor((v * factor + 50) / 100))));
}

/** DCT_BASIS[u * 8 + x] = C(u)/2 * cos((2x + 1) u pi / 16), so that F = B f B^T is the FDCT of T.81 A.3.3. */
const DCT_BASIS = (() => {
  const basis = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    for (let x = 0; x < 8; x++) {
      basis[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
    }
  }
  return basis;
})();

/** In-place 2D forward DCT of a row-major 8x8 block, as two passes of 1D transforms. */
function fdct(block: Float64Array, tmp: Float64Array): void {
  for (let y = 0; y < 8; y++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < 8; x++) s += (DCT_BASIS[u * 8 + x] as number) * (block[y * 8 + x] as number);
      tmp[y * 8 + u] = s;
    }
  }
  for (let u = 0; u < 8; u++) {
    for (let v = 0; v < 8; v++) {
      let s = 0;
      for (let y = 0; y < 8; y++) s += (DCT_BASIS[v * 8 + y] as number) * (tmp[y * 8 + u] as number);
      block[v * 8 + u] = s;
    }
  }
}

/**
 * Encodes the raster as a baseline JFIF JPEG.
 * @param quality IJG-style quality 1..100 (default 90: text stays sharp, files stay small)
 */
export function encodeJpeg(raster: Raster, quality = 90): Uint8Array<ArrayBuffer> {
  const { width, height, pixels } = raster;
  if (width > 65535 || height > 65535)
    throw new RangeError('JPEG images are at most 65535 pixels wide and high');
  const quant = [scaleQuant(LUMA_QUANT, quality), scaleQuant(CHROMA_QUANT, quality)] as const;

  // Colour conversion once per pixel into three planes (the pictures are flat: memoise the last colour).
  const planes = [
    new Float32Array(width * height),
    new Float32Array(width * height),
    new Float32Array(width * height),
  ];
  const [py, pcb, pcr] = planes as [Float32Array, Float32Array, Float32Array];
  const ycc = new Float32Array(3);
  let last = -1;
  for (let i = 0; i < pixels.length; i++) {
    const c = pixels[i] as number;
    if (c !== last) {
      rgbToYcbcrFull(c, ycc);
      last = c;
    }
    py[i] = ycc[0] as number;
    pcb[i] = ycc[1] as number;
    pcr[i] = ycc[2] as number;
  }

  const header: number[] = [];
  const u16 = (v: number) => header.push(v >> 8, v & 255);
  header.push(0xff, 0xd8); // SOI
  // JFIF APP0: version 1.01, no density unit, 1:1 pixel aspect, no thumbnail.
  header.push(0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
  // DQT (B.2.4.1): two 8-bit tables, entries in zig-zag order.
  header.push(0xff, 0xdb);
  u16(2 + 2 * 65);
  quant.forEach((table, id) => {
    header.push(id);
    for (let k = 0; k < 64; k++) header.push(table[ZIGZAG[k] as number] as number);
  });
  // SOF0 (B.2.2): baseline, 8-bit, 3 components, all sampled 1x1 (4:4:4); Y uses table 0, Cb/Cr table 1.
  header.push(0xff, 0xc0);
  u16(17);
  header.push(8);
  u16(height);
  u16(width);
  header.push(3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1);
  // DHT (B.2.4.2): DC and AC tables 0 (luma) and 1 (chroma).
  const tables: [number, HuffmanSpec][] = [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
    [0x01, DC_CHROMA],
    [0x11, AC_CHROMA],
  ];
  header.push(0xff, 0xc4);
  u16(2 + tables.reduce((n, [, t]) => n + 17 + t.values.length, 0));
  for (const [classAndId, t] of tables) header.push(classAndId, ...t.bits, ...t.values);
  // SOS (B.2.3): the three components interleaved, full spectral range, no successive approximation.
  header.push(0xff, 0xda);
  u16(12);
  header.push(3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0);

  const dc = [huffmanCode(DC_LUMA), huffmanCode(DC_CHROMA)] as const;
  const ac = [huffmanCode(AC_LUMA), huffmanCode(AC_CHROMA)] as const;
  const bw = new MsbBitWriter(true);
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  const coef = new Int32Array(64);
  const pred = [0, 0, 0];
  const put = (table: HuffmanCode, symbol: number) =>
    bw.u(table.size[symbol] as number, table.code[symbol] as number);

  // With every component sampled 1x1, an interleaved MCU is one 8x8 block of each component in turn
  // (A.2.3). Blocks past the right or bottom edge repeat the last column or row.
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let comp = 0; comp < 3; comp++) {
        const plane = planes[comp] as Float32Array;
        const table = comp === 0 ? 0 : 1;
        const q = quant[table];
        let flat = true;
        const first = plane[by * width + bx] as number;
        for (let y = 0; y < 8; y++) {
          const row = Math.min(by + y, height - 1) * width;
          for (let x = 0; x < 8; x++) {
            const v = plane[row + Math.min(bx + x, width - 1)] as number;
            block[y * 8 + x] = v - 128; // level shift (A.3.1)
            if (v !== first) flat = false;
          }
        }
        if (flat) {
          // A uniform block has only a DC term: 8 * (v - 128) with this normalisation.
          coef.fill(0);
          coef[0] = Math.round((8 * (first - 128)) / (q[0] as number));
        } else {
          fdct(block, tmp);
          for (let k = 0; k < 64; k++) {
            const i = ZIGZAG[k] as number;
            coef[k] = Math.round((block[i] as number) / (q[i] as number));
          }
        }
        // DC: difference from the previous block of the same component, as SSSS + SSSS raw bits (F.1.2.1).
        const diff = (coef[0] as number) - (pred[comp] as number);
        pred[comp] = coef[0] as number;
        const dcSize = diff === 0 ? 0 : 32 - Math.clz32(Math.abs(diff));
        put(dc[table], dcSize);
        if (dcSize > 0) bw.u(dcSize, diff > 0 ? diff : diff + (1 << dcSize) - 1);
        // AC: (zero run, size) symbols, ZRL for runs of 16 zeros, EOB after the last non-zero (F.1.2.2).
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const v = coef[k] as number;
          if (v === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            put(ac[table], 0xf0);
            run -= 16;
          }
          const size = 32 - Math.clz32(Math.abs(v));
          put(ac[table], (run << 4) | size);
          bw.u(size, v > 0 ? v : v + (1 << size) - 1);
          run = 0;
        }
        if (run > 0) put(ac[table], 0x00);
      }
    }
  }
  bw.alignOnes();
  const data = bw.bytes();
  const out = new Uint8Array(header.length + data.length + 2);
  out.set(header, 0);
  out.set(data, header.length);
  out[out.length - 2] = 0xff;
  out[out.length - 1] = 0xd9; // EOI
  return out;
}
