/**
 * A tiny RGB raster shared by the three encoders: solid fills, rectangles and bitmap-font text, plus the
 * colour conversions the codecs need. Pixels are stored one per `Uint32Array` element as 0xRRGGBB, which
 * makes fills a native `fill()`, and palette building (WebP) a plain integer comparison.
 */
import { GLYPH_SIZE } from './bitmap-font.js';
import { GLYPH_ROWS, glyphFor, ROWS_ABOVE } from './glyphs.js';

/** A colour as 0xRRGGBB. */
export type Rgb = number;

/** An RGB image: `pixels[y * width + x]` is 0xRRGGBB. */
export class Raster {
  readonly pixels: Uint32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new RangeError(`invalid raster size ${width}x${height}`);
    }
    this.pixels = new Uint32Array(width * height);
  }

  /** The colour at (x, y); callers keep the coordinates inside the raster. */
  get(x: number, y: number): Rgb {
    return this.pixels[y * this.width + x] ?? 0;
  }

  /** Fills the rectangle, clipped to the raster. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    if (x1 <= x0) return;
    for (let row = y0; row < y1; row++) {
      this.pixels.fill(color, row * this.width + x0, row * this.width + x1);
    }
  }

  /**
   * Draws one line of text with its top-left corner at (x, y), each font pixel magnified to a
   * `scale` x `scale` square (nearest neighbour keeps the strokes crisp, which also keeps the number of
   * colours tiny for the WebP palette). Only the set pixels are painted: the background shows through.
   * `text` is what `toDrawableText` returns: one glyph per UTF-16 code unit. Accents of capitals,
   * cedillas and ogoneks reach up to 2 font pixels above and below the 8x8 cell, into the line gap.
   */
  drawText(text: string, x: number, y: number, scale: number, color: Rgb): void {
    let penX = x;
    const top = y - ROWS_ABOVE * scale;
    for (let i = 0; i < text.length; i++) {
      const rows = glyphFor(text.charCodeAt(i));
      for (let gy = 0; gy < GLYPH_ROWS; gy++) {
        const bits = rows[gy] ?? 0;
        if (bits === 0) continue;
        for (let gx = 0; gx < GLYPH_SIZE; gx++) {
          if ((bits >> gx) & 1) this.fillRect(penX + gx * scale, top + gy * scale, scale, scale, color);
        }
      }
      penX += GLYPH_SIZE * scale;
    }
  }
}

/** Width in pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale: number): number {
  return text.length * GLYPH_SIZE * scale;
}

/**
 * Word-wraps drawable text (see `toDrawableText`) to lines of at most `columns` characters. Explicit '\n' are kept as hard
 * breaks; a word longer than a line is cut into line-sized pieces; runs of spaces collapse.
 */
export function wrapText(text: string, columns: number): string[] {
  const cols = Math.max(1, Math.floor(columns));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (word === '') continue;
      let rest = word;
      if (line !== '' && line.length + 1 + rest.length <= cols) {
        line += ` ${rest}`;
        continue;
      }
      if (line !== '') lines.push(line);
      while (rest.length > cols) {
        lines.push(rest.slice(0, cols));
        rest = rest.slice(cols);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/** Planar Y'CbCr 4:2:0, 8 bits, luma stride `width`, chroma stride `width / 2` (both dimensions even). */
export interface Yuv420 {
  readonly width: number;
  readonly height: number;
  readonly y: Uint8Array;
  readonly cb: Uint8Array;
  readonly cr: Uint8Array;
}

/** Allocates a zeroed 4:2:0 image; `width` and `height` must be even. */
export function createYuv420(width: number, height: number): Yuv420 {
  if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError('4:2:0 planes need even dimensions');
  const chroma = (width / 2) * (height / 2);
  return {
    width,
    height,
    y: new Uint8Array(width * height),
    cb: new Uint8Array(chroma),
    cr: new Uint8Array(chroma),
  };
}

/**
 * Converts the `w` x `h` rectangle of `src` at (sx, sy) into `dst` at (dx, dy), all even, as
 * ITU-R BT.601 "studio swing" (limited range: Y' 16..235, Cb/Cr 16..240), which is what H.264 decoders
 * assume when the VUI says video_full_range_flag = 0 and matrix_coefficients = 6 (SMPTE 170M).
 * Integer coefficients are the usual 8-bit fixed-point form (x256) of the BT.601 matrix; chroma is the
 * mean of each 2x2 block (co-sited between samples, the H.264 default chroma location).
 */
export function rgbToYuv420(
  src: Raster,
  sx: number,
  sy: number,
  w: number,
  h: number,
  dst: Yuv420,
  dx: number,
  dy: number,
): void {
  const sp = src.pixels;
  const sw = src.width;
  const { y: py, cb: pcb, cr: pcr, width: dw } = dst;
  const cw = dw >> 1;
  // The scenes are flat: most 2x2 blocks are one colour, the same as the previous block. Reusing the
  // last conversion keeps this loop cheap even before the JIT has optimised it (the first render).
  let lastColor = -1;
  let lastY = 0;
  let lastCb = 0;
  let lastCr = 0;
  for (let j = 0; j < h; j += 2) {
    const s0 = (sy + j) * sw + sx;
    const s1 = s0 + sw;
    const d0 = (dy + j) * dw + dx;
    const d1 = d0 + dw;
    const c0 = ((dy + j) >> 1) * cw + (dx >> 1);
    for (let i = 0; i < w; i += 2) {
      const p00 = sp[s0 + i] ?? 0;
      const p01 = sp[s0 + i + 1] ?? 0;
      const p10 = sp[s1 + i] ?? 0;
      const p11 = sp[s1 + i + 1] ?? 0;
      if (p00 === lastColor && p01 === lastColor && p10 === lastColor && p11 === lastColor) {
        py[d0 + i] = lastY;
        py[d0 + i + 1] = lastY;
        py[d1 + i] = lastY;
        py[d1 + i + 1] = lastY;
        pcb[c0 + (i >> 1)] = lastCb;
        pcr[c0 + (i >> 1)] = lastCr;
        continue;
      }
      py[d0 + i] = lumaLimited(p00);
      py[d0 + i + 1] = lumaLimited(p01);
      py[d1 + i] = lumaLimited(p10);
      py[d1 + i + 1] = lumaLimited(p11);
      const r = (p00 >>> 16) + (p01 >>> 16) + (p10 >>> 16) + (p11 >>> 16);
      const g = ((p00 >> 8) & 255) + ((p01 >> 8) & 255) + ((p10 >> 8) & 255) + ((p11 >> 8) & 255);
      const b = (p00 & 255) + (p01 & 255) + (p10 & 255) + (p11 & 255);
      // Sums of four samples: scale by 1/1024 instead of 1/256.
      pcb[c0 + (i >> 1)] = ((-38 * r - 74 * g + 112 * b + 512) >> 10) + 128;
      pcr[c0 + (i >> 1)] = ((112 * r - 94 * g - 18 * b + 512) >> 10) + 128;
      if (p00 === p01 && p00 === p10 && p00 === p11) {
        lastColor = p00;
        lastY = py[d0 + i] as number;
        lastCb = pcb[c0 + (i >> 1)] as number;
        lastCr = pcr[c0 + (i >> 1)] as number;
      }
    }
  }
}

function lumaLimited(c: Rgb): number {
  return ((66 * (c >>> 16) + 129 * ((c >> 8) & 255) + 25 * (c & 255) + 128) >> 8) + 16;
}

/**
 * Full-range BT.601 Y'CbCr (0..255 on all three), the colour space JFIF mandates for JPEG
 * (JFIF 1.02, "Conversion to and from RGB"). Writes the three values into `out`.
 */
export function rgbToYcbcrFull(c: Rgb, out: Float32Array): void {
  const r = c >>> 16;
  const g = (c >> 8) & 255;
  const b = c & 255;
  out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
  out[1] = -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
  out[2] = 0.5 * r - 0.418688 * g - 0.081312 * b + 128;
}
