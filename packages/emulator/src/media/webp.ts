/**
 * A small WebP lossless (VP8L) encoder, after RFC 9649 "WebP Image Format". Synthetic pictures have few
 * colours and long runs, so it uses:
 *
 * - the colour-indexing transform (RFC 9649 4.4) with pixel bundling: up to 2, 4 or 16 colours pack
 *   8, 4 or 2 palette indexes into one green byte;
 * - LZ77 backward references (5.2.2) restricted to the two cheapest distances, "the pixel above" and
 *   "the pixel to the left" (2D distance codes 1 and 2), found greedily: flat areas and repeated rows
 *   collapse into a few long copies;
 * - one group of canonical prefix codes built from real symbol frequencies, lengths limited to 15
 *   (3.7.2), with the "simple" form for 1-2 symbol alphabets.
 *
 * No colour cache and no predictor/colour transforms. Images with more than 256 colours skip the
 * palette and code ARGB literals directly (valid, just larger).
 */
import { LsbBitWriter } from './bit-writer.js';
import type { Raster } from './raster.js';

/** Maximum VP8L width/height (14-bit fields). */
const MAX_DIMENSION = 16384;
/** Alphabet sizes of the five prefix codes (5.2.2): green + 24 length prefixes (no colour cache), R, B, A, distance. */
const GREEN_ALPHABET = 256 + 24;
const LITERAL_ALPHABET = 256;
const DISTANCE_ALPHABET = 40;
/** Longest backward reference (a length prefix code covers 1..4096). */
const MAX_COPY = 4096;
/** Shortest copy worth a length + distance code instead of literals. */
const MIN_COPY = 3;
/** 2D distance codes (5.2.2 "Distance Mapping"): code 1 is (0, 1), the pixel above; code 2 is (1, 0), the one to the left. */
const DIST_ABOVE = 1;
const DIST_LEFT = 2;
/** The order in which code-length code lengths are sent (3.7.2.1.2 kCodeLengthCodeOrder). */
const CODE_LENGTH_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * Encodes the raster as a lossless WebP file (RIFF "WEBP" with a single "VP8L" chunk).
 * Every pixel is reproduced exactly, fully opaque.
 */
export function encodeWebpLossless(raster: Raster): Uint8Array<ArrayBuffer> {
  const { width, height, pixels } = raster;
  if (width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new RangeError(`WebP images are at most ${MAX_DIMENSION} pixels wide and high`);
  }
  const bw = new LsbBitWriter();
  // 3.2 Header: signature, 14-bit width - 1, 14-bit height - 1, alpha_is_used hint, 3-bit version 0.
  bw.bits(8, 0x2f);
  bw.bits(14, width - 1);
  bw.bits(14, height - 1);
  bw.bits(1, 0);
  bw.bits(3, 0);

  const palette = collectPalette(pixels, 256);
  if (palette) {
    const n = palette.length;
    // 4.4: how many indexes share one pixel after bundling.
    const widthBits = n <= 2 ? 3 : n <= 4 ? 2 : n <= 16 ? 1 : 0;
    bw.bits(1, 1); // a transform follows
    bw.bits(2, 3); // COLOR_INDEXING_TRANSFORM
    bw.bits(8, n - 1); // color_table_size - 1
    // The colour table is itself an image, n x 1, stored "subtraction-coded": each entry minus the
    // previous one, per channel, modulo 256.
    const table = new Uint32Array(n);
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const argb = 0xff000000 | (palette[i] as number);
      table[i] = subPixels(argb, prev);
      prev = argb;
    }
    writeEntropyCodedImage(bw, table, n, false);
    bw.bits(1, 0); // no more transforms
    writeEntropyCodedImage(bw, bundle(raster, palette, widthBits), Math.ceil(width / (1 << widthBits)), true);
  } else {
    bw.bits(1, 0); // no transform
    const argb = new Uint32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) argb[i] = (0xff000000 | (pixels[i] as number)) >>> 0;
    writeEntropyCodedImage(bw, argb, width, true);
  }
  return riff(bw.finish());
}

/** Per-channel (A, R, G, B) difference a - b modulo 256. */
function subPixels(a: number, b: number): number {
  let out = 0;
  for (const shift of [24, 16, 8, 0]) out |= (((a >>> shift) - (b >>> shift)) & 255) << shift;
  return out >>> 0;
}

/** The distinct colours of `pixels` in order of first appearance, or undefined if there are more than `max`. */
function collectPalette(pixels: Uint32Array, max: number): number[] | undefined {
  const seen = new Set<number>();
  const palette: number[] = [];
  let last = -1;
  for (let i = 0; i < pixels.length; i++) {
    const c = pixels[i] as number;
    if (c === last || seen.has(c)) {
      last = c;
      continue;
    }
    if (palette.length === max) return undefined;
    seen.add(c);
    palette.push(c);
    last = c;
  }
  return palette;
}

/**
 * Replaces colours by palette indexes and packs 2^widthBits of them per pixel into the green channel,
 * the first pixel in the least significant bits (4.4). Alpha is 255 and red/blue are 0, so their prefix
 * codes have one symbol and cost no bits.
 */
function bundle(raster: Raster, palette: number[], widthBits: number): Uint32Array {
  const { width, height, pixels } = raster;
  const index = new Map<number, number>();
  palette.forEach((c, i) => {
    index.set(c, i);
  });
  const packedWidth = Math.ceil(width / (1 << widthBits));
  const bitsPerIndex = 8 >> widthBits;
  const mask = (1 << widthBits) - 1;
  const out = new Uint32Array(packedWidth * height);
  let lastColor = -1;
  let lastIndex = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const outRow = y * packedWidth;
    for (let x = 0; x < width; x++) {
      const c = pixels[row + x] as number;
      if (c !== lastColor) {
        lastColor = c;
        lastIndex = index.get(c) ?? 0;
      }
      out[outRow + (x >> widthBits)] =
        (out[outRow + (x >> widthBits)] as number) | (lastIndex << (bitsPerIndex * (x & mask)));
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = (0xff000000 | ((out[i] as number) << 8)) >>> 0;
  return out;
}

/** Wraps a VP8L bitstream in the RIFF container (RFC 9649 2.4-2.5; chunks are padded to even sizes). */
function riff(vp8l: Uint8Array): Uint8Array<ArrayBuffer> {
  const padded = vp8l.length + (vp8l.length & 1);
  const out = new Uint8Array(20 + padded);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 12 + padded, true); // file size minus the first 8 bytes
  ascii(8, 'WEBP');
  ascii(12, 'VP8L');
  view.setUint32(16, vp8l.length, true); // chunk payload size, without the pad byte
  out.set(vp8l, 20);
  return out;
}

/** Increments a histogram bin. */
function bump(hist: Uint32Array | Uint16Array, i: number): void {
  hist[i] = (hist[i] ?? 0) + 1;
}

/** A prefix code: per-symbol length and (bit-reversed, ready for LSB-first writing) code. */
interface PrefixCode {
  readonly lengths: Uint8Array;
  readonly codes: Uint16Array;
}

/**
 * Greedy LZ77 with two candidate distances. Tokens: `len[i] = 0` means a literal `val[i]` (ARGB),
 * otherwise a copy of `len[i]` pixels with 2D distance code `val[i]`.
 */
function lz77(pixels: Uint32Array, xsize: number): { len: Uint16Array; val: Uint32Array; count: number } {
  const n = pixels.length;
  const len = new Uint16Array(n);
  const val = new Uint32Array(n);
  let count = 0;
  let i = 0;
  while (i < n) {
    const limit = Math.min(MAX_COPY, n - i);
    let above = 0;
    if (i >= xsize) while (above < limit && pixels[i + above] === pixels[i + above - xsize]) above++;
    let left = 0;
    if (i >= 1) while (left < limit && pixels[i + left] === pixels[i + left - 1]) left++;
    const best = Math.max(above, left);
    if (best >= MIN_COPY) {
      len[count] = best;
      val[count] = above >= left ? DIST_ABOVE : DIST_LEFT;
      i += best;
    } else {
      val[count] = pixels[i] as number;
      i++;
    }
    count++;
  }
  return { len, val, count };
}

/**
 * The prefix coding of lengths and distances (5.2.2): value v >= 1 becomes a prefix symbol plus
 * `extraBits` raw bits. Returns [symbol, extraBits, extraValue].
 */
function prefixEncode(value: number): [number, number, number] {
  const d = value - 1;
  if (d < 4) return [d, 0, 0];
  const highest = 31 - Math.clz32(d);
  const second = (d >> (highest - 1)) & 1;
  const extraBits = highest - 1;
  return [2 * highest + second, extraBits, d & ((1 << extraBits) - 1)];
}

/**
 * Writes an image: colour cache info, the meta prefix flag (only for the main, "spatially coded" image),
 * the five prefix codes, then the LZ77-coded pixels (5.2, 6.2).
 */
function writeEntropyCodedImage(bw: LsbBitWriter, pixels: Uint32Array, xsize: number, main: boolean): void {
  bw.bits(1, 0); // no colour cache
  if (main) bw.bits(1, 0); // no meta prefix codes: one prefix code group for the whole image
  const { len, val, count } = lz77(pixels, xsize);

  const green = new Uint32Array(GREEN_ALPHABET);
  const red = new Uint32Array(LITERAL_ALPHABET);
  const blue = new Uint32Array(LITERAL_ALPHABET);
  const alpha = new Uint32Array(LITERAL_ALPHABET);
  const dist = new Uint32Array(DISTANCE_ALPHABET);
  for (let t = 0; t < count; t++) {
    const l = len[t] as number;
    const v = val[t] as number;
    if (l === 0) {
      bump(green, (v >>> 8) & 255);
      bump(red, (v >>> 16) & 255);
      bump(blue, v & 255);
      bump(alpha, v >>> 24);
    } else {
      bump(green, 256 + prefixEncode(l)[0]);
      bump(dist, prefixEncode(v)[0]);
    }
  }
  const codes = [green, red, blue, alpha, dist].map((hist) => writePrefixCode(bw, hist));
  const [cg, cr, cb, ca, cd] = codes as [PrefixCode, PrefixCode, PrefixCode, PrefixCode, PrefixCode];
  const put = (code: PrefixCode, symbol: number) => {
    bw.bits(code.lengths[symbol] as number, code.codes[symbol] as number);
  };
  for (let t = 0; t < count; t++) {
    const l = len[t] as number;
    const v = val[t] as number;
    if (l === 0) {
      // A literal is read green first, then red, blue, alpha (5.2.2).
      put(cg, (v >>> 8) & 255);
      put(cr, (v >>> 16) & 255);
      put(cb, v & 255);
      put(ca, v >>> 24);
    } else {
      const [ls, lx, lv] = prefixEncode(l);
      put(cg, 256 + ls);
      bw.bits(lx, lv);
      const [ds, dx, dv] = prefixEncode(v);
      put(cd, ds);
      bw.bits(dx, dv);
    }
  }
}

/**
 * Chooses and writes the prefix code for a histogram (3.7.2.1): the "simple" form when at most two
 * symbols (both < 256) occur, otherwise a "normal" code whose code lengths are themselves run-length
 * and prefix coded. Returns the code to write symbols with.
 */
function writePrefixCode(bw: LsbBitWriter, hist: Uint32Array): PrefixCode {
  const used: number[] = [];
  for (let s = 0; s < hist.length; s++) if ((hist[s] as number) > 0) used.push(s);
  if (used.length <= 2 && used.every((s) => s < 256)) {
    const lengths = new Uint8Array(hist.length);
    const s0 = used[0] ?? 0;
    bw.bits(1, 1); // simple code
    bw.bits(1, used.length === 2 ? 1 : 0); // num_symbols - 1
    if (s0 < 2) {
      bw.bits(1, 0); // is_first_8bits = 0: the first symbol fits in 1 bit
      bw.bits(1, s0);
    } else {
      bw.bits(1, 1);
      bw.bits(8, s0);
    }
    if (used.length === 2) {
      bw.bits(8, used[1] as number);
      lengths[s0] = 1;
      lengths[used[1] as number] = 1;
    }
    // With a single symbol every length stays 0: the decoder reads it with no bits at all.
    return { lengths, codes: canonicalCodes(lengths) };
  }

  const lengths = huffmanLengths(hist, 15);
  // Run-length code the lengths with the code-length alphabet: 0..15 literal, 16 = repeat the previous
  // non-zero length 3..6 times (2 extra bits), 17 = 3..10 zeros (3 bits), 18 = 11..138 zeros (7 bits).
  const tokens: [number, number, number][] = [];
  for (let i = 0; i < lengths.length; ) {
    const v = lengths[i] as number;
    let run = 1;
    while (i + run < lengths.length && lengths[i + run] === v) run++;
    i += run;
    if (v === 0) {
      while (run >= 11) {
        const r = Math.min(run, 138);
        tokens.push([18, 7, r - 11]);
        run -= r;
      }
      if (run >= 3) {
        tokens.push([17, 3, run - 3]);
        run = 0;
      }
      for (; run > 0; run--) tokens.push([0, 0, 0]);
    } else {
      tokens.push([v, 0, 0]);
      run--;
      while (run >= 3) {
        const r = Math.min(run, 6);
        tokens.push([16, 2, r - 3]);
        run -= r;
      }
      for (; run > 0; run--) tokens.push([v, 0, 0]);
    }
  }
  const clHist = new Uint32Array(19);
  for (const [sym] of tokens) bump(clHist, sym);
  const clLengths = huffmanLengths(clHist, 7);
  const clCodes = canonicalCodes(clLengths);
  let numCodes = 19;
  while (numCodes > 4 && clLengths[CODE_LENGTH_ORDER[numCodes - 1] as number] === 0) numCodes--;
  bw.bits(1, 0); // normal code
  bw.bits(4, numCodes - 4);
  for (let i = 0; i < numCodes; i++) bw.bits(3, clLengths[CODE_LENGTH_ORDER[i] as number] as number);
  bw.bits(1, 0); // max_symbol = alphabet size: the tokens cover every symbol
  for (const [sym, extraBits, extra] of tokens) {
    bw.bits(clLengths[sym] as number, clCodes[sym] as number);
    bw.bits(extraBits, extra);
  }
  return { lengths, codes: canonicalCodes(lengths) };
}

/**
 * Huffman code lengths for `hist`, at most `maxLength` bits, always a complete code over at least two
 * symbols (decoders reject incomplete codes, and treat a lone length as a zero-bit code). Lengths are
 * limited the way libwebp does it: if the tree is too deep, small counts are raised and the tree rebuilt.
 */
function huffmanLengths(hist: Uint32Array, maxLength: number): Uint8Array {
  const symbols: number[] = [];
  for (let s = 0; s < hist.length; s++) if ((hist[s] as number) > 0) symbols.push(s);
  // Pad with unused symbols (they get a code that is never written) so the tree has two leaves.
  for (let s = 0; symbols.length < 2; s++) if (!symbols.includes(s)) symbols.push(s);
  const n = symbols.length;
  for (let floor = 1; ; floor *= 2) {
    // Two-queue Huffman construction over leaves sorted by weight.
    const leaves = symbols
      .map((s) => ({ s, w: Math.max(hist[s] ?? 0, floor) }))
      .sort((a, b) => a.w - b.w || a.s - b.s);
    const weight = new Float64Array(2 * n - 1);
    const parent = new Int32Array(2 * n - 1);
    leaves.forEach((leaf, i) => {
      weight[i] = leaf.w;
    });
    let leaf = 0;
    let inner = n;
    const pick = (next: number) => {
      if (leaf < n && (inner >= next || (weight[leaf] as number) <= (weight[inner] as number))) return leaf++;
      return inner++;
    };
    for (let next = n; next < 2 * n - 1; next++) {
      const a = pick(next);
      const b = pick(next);
      weight[next] = (weight[a] as number) + (weight[b] as number);
      parent[a] = next;
      parent[b] = next;
    }
    const depth = new Uint8Array(2 * n - 1);
    let deepest = 0;
    for (let k = 2 * n - 3; k >= 0; k--) {
      depth[k] = (depth[parent[k] as number] as number) + 1;
      if (k < n && (depth[k] as number) > deepest) deepest = depth[k] as number;
    }
    if (deepest <= maxLength) {
      const lengths = new Uint8Array(hist.length);
      leaves.forEach((l, i) => {
        lengths[l.s] = depth[i] as number;
      });
      return lengths;
    }
  }
}

/**
 * Canonical codes from lengths (the DEFLATE construction, RFC 1951 3.2.2, which VP8L shares): shorter
 * codes first, ties by symbol. Bits are reversed because VP8L reads codes starting from their first
 * (most significant) bit in its LSB-first stream.
 */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const count = new Uint16Array(16);
  for (const l of lengths) if (l > 0) bump(count, l);
  const next = new Uint16Array(16);
  let code = 0;
  for (let bits = 1; bits < 16; bits++) {
    code = (code + (count[bits - 1] as number)) << 1;
    next[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s] as number;
    if (l === 0) continue;
    const c = next[l] as number;
    next[l] = c + 1;
    let rev = 0;
    for (let b = 0; b < l; b++) rev |= ((c >> b) & 1) << (l - 1 - b);
    codes[s] = rev;
  }
  return codes;
}
