/**
 * The three media a completed job serves (`GET /v1/videos/{id}/content?variant=...`), rendered from
 * scratch with the scene of scene.ts: the MP4 video, the WebP thumbnail and the JPEG spritesheet.
 */
import { PcmH264Encoder } from './h264.js';
import { encodeJpeg } from './jpeg.js';
import { muxMp4 } from './mp4.js';
import { createYuv420, Raster, rgbToYuv420, type Yuv420 } from './raster.js';
import { dirtyRects, drawScene, drawTime, layoutScene } from './scene.js';
import { encodeWebpLossless } from './webp.js';

/**
 * 24 frames per second: the film rate, and plenty for a progress bar to move smoothly. It gives whole
 * frame counts for every supported duration (96, 192, 288 frames for 4, 8, 12 s) and a fifth fewer
 * pictures to encode and ship than 30 fps.
 */
export const DEFAULT_FPS = 24;

export interface RenderVideoOptions {
  /** Width in pixels; even (any multiple of 16 avoids cropping). */
  readonly width: number;
  /** Height in pixels; even. */
  readonly height: number;
  /** Duration in seconds (> 0, at most an hour); the file's duration is exactly this. */
  readonly seconds: number;
  /**
   * Text drawn on the picture: a first line (e.g. the video id) shown as a heading, then the body
   * (e.g. the prompt). Latin script is drawn with its accents; other characters as their code
   * point (`U+4E00`), see drawable-text.ts.
   */
  readonly label: string;
  /** Frames per second, an integer 1..120; default 24. */
  readonly fps?: number;
}

export interface RenderThumbnailOptions {
  readonly width: number;
  readonly height: number;
  readonly label: string;
  /** The clip's duration; pass it to get exactly the video's first frame (it is shown in the picture). */
  readonly seconds?: number;
}

export interface RenderSpritesheetOptions {
  /** Size of the video the sheet summarises; tiles keep its aspect ratio. */
  readonly width: number;
  readonly height: number;
  readonly seconds: number;
  readonly label: string;
}

/** Longest side of a spritesheet tile, in pixels. */
const TILE_SIZE = 256;
/** Tiles per spritesheet row. */
const TILE_COLUMNS = 4;

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
    throw new RangeError(`${what} size must be integers of at least 16, got ${width}x${height}`);
  }
  if (width > 8192 || height > 8192) throw new RangeError(`${what} size is limited to 8192x8192`);
}

/** The longest video, thumbnail or spritesheet source this renderer makes: an hour. */
export const MAX_RENDER_SECONDS = 3600;

function checkSeconds(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_RENDER_SECONDS) {
    throw new RangeError(`seconds must be in (0, ${MAX_RENDER_SECONDS}], got ${seconds}`);
  }
}

/** True if the 16x16 macroblock at (mbx, mby) differs between two 4:2:0 images of the same size. */
function macroblockDiffers(a: Yuv420, aX: number, aY: number, b: Yuv420, bX: number, bY: number): boolean {
  for (let row = 0; row < 16; row++) {
    const ia = (aY + row) * a.width + aX;
    const ib = (bY + row) * b.width + bX;
    for (let i = 0; i < 16; i++) if (a.y[ia + i] !== b.y[ib + i]) return true;
  }
  const acw = a.width >> 1;
  const bcw = b.width >> 1;
  for (let row = 0; row < 8; row++) {
    const ia = ((aY >> 1) + row) * acw + (aX >> 1);
    const ib = ((bY >> 1) + row) * bcw + (bX >> 1);
    for (let i = 0; i < 8; i++) {
      if (a.cb[ia + i] !== b.cb[ib + i] || a.cr[ia + i] !== b.cr[ib + i]) return true;
    }
  }
  return false;
}

/** Copies macroblock-sized sample blocks from `src` at (sX, sY) to `dst` at (dX, dY). */
function copyMacroblock(src: Yuv420, sX: number, sY: number, dst: Yuv420, dX: number, dY: number): void {
  for (let row = 0; row < 16; row++) {
    const is = (sY + row) * src.width + sX;
    dst.y.set(src.y.subarray(is, is + 16), (dY + row) * dst.width + dX);
  }
  const scw = src.width >> 1;
  const dcw = dst.width >> 1;
  for (let row = 0; row < 8; row++) {
    const is = ((sY >> 1) + row) * scw + (sX >> 1);
    const id = ((dY >> 1) + row) * dcw + (dX >> 1);
    dst.cb.set(src.cb.subarray(is, is + 8), id);
    dst.cr.set(src.cr.subarray(is, is + 8), id);
  }
}

/**
 * Renders an MP4 (H.264 Constrained Baseline in ISO BMFF, `moov` first) of exactly `width` x `height`
 * and `seconds`: the first frame shows the label on a coloured card, then a progress bar and timecode
 * advance along the bottom. Deterministic: the same options give the same bytes.
 */
export function renderVideo(options: RenderVideoOptions): Uint8Array<ArrayBuffer> {
  const { width, height, seconds, label } = options;
  const fps = options.fps ?? DEFAULT_FPS;
  checkSize(width, height, 'video');
  checkSeconds(seconds);
  if (!Number.isInteger(fps) || fps < 1 || fps > 120)
    throw new RangeError(`fps must be an integer in 1..120`);
  const encoder = new PcmH264Encoder(width, height, fps);
  const { codedWidth, codedHeight, widthInMbs, heightInMbs } = encoder;

  // The raster covers the coded (macroblock-padded) area; what lies beyond width x height is cropped
  // away by the SPS and just gets the background.
  const layout = layoutScene(width, height, label, seconds);
  const raster = new Raster(codedWidth, codedHeight);
  raster.fillRect(0, 0, codedWidth, codedHeight, layout.background);
  drawScene(raster, layout, 0);
  const planes = createYuv420(codedWidth, codedHeight);
  rgbToYuv420(raster, 0, 0, codedWidth, codedHeight, planes, 0, 0);

  const frameCount = Math.max(1, Math.ceil(seconds * fps - 1e-9));
  const samples: Uint8Array[][] = [[encoder.idr(planes)]];
  const scratch = createYuv420(16, 16);
  for (let f = 1; f < frameCount; f++) {
    const before = (f - 1) / fps;
    const now = f / fps;
    drawTime(raster, layout, now);
    // Only macroblocks under the parts that may have moved are converted and compared; those whose
    // samples really changed are re-sent, everything else is P_Skip.
    const candidates = new Set<number>();
    for (const r of dirtyRects(layout, before, now)) {
      const x0 = Math.max(0, Math.floor(r.x / 16));
      const y0 = Math.max(0, Math.floor(r.y / 16));
      const x1 = Math.min(widthInMbs, Math.ceil((r.x + r.w) / 16));
      const y1 = Math.min(heightInMbs, Math.ceil((r.y + r.h) / 16));
      for (let my = y0; my < y1; my++) for (let mx = x0; mx < x1; mx++) candidates.add(my * widthInMbs + mx);
    }
    const changed: number[] = [];
    for (const mb of [...candidates].sort((a, b) => a - b)) {
      const x = (mb % widthInMbs) * 16;
      const y = Math.floor(mb / widthInMbs) * 16;
      rgbToYuv420(raster, x, y, 16, 16, scratch, 0, 0);
      if (macroblockDiffers(scratch, 0, 0, planes, x, y)) {
        copyMacroblock(scratch, 0, 0, planes, x, y);
        changed.push(mb);
      }
    }
    samples.push([encoder.inter(planes, changed)]);
  }

  // A timescale in which one frame is a whole number of ticks: 90 kHz (the usual video clock) when fps
  // divides it. The last sample absorbs the remainder so the track lasts exactly `seconds`.
  const timescale = 90000 % fps === 0 ? 90000 : fps * 1000;
  const frameTicks = timescale / fps;
  const totalTicks = Math.round(seconds * timescale);
  const durations = samples.map((_, i) =>
    i < frameCount - 1 ? frameTicks : Math.max(1, totalTicks - (frameCount - 1) * frameTicks),
  );
  return muxMp4({
    width,
    height,
    timescale,
    sampleDurations: durations,
    samples,
    syncSamples: [0],
    sps: encoder.sps(),
    pps: encoder.pps(),
  });
}

/**
 * Renders the thumbnail as a lossless WebP of `width` x `height` (the video's size, as the real API
 * does): the video's first frame when `seconds` is given.
 */
export function renderThumbnail(options: RenderThumbnailOptions): Uint8Array<ArrayBuffer> {
  const { width, height, label, seconds } = options;
  checkSize(width, height, 'thumbnail');
  if (seconds !== undefined) checkSeconds(seconds);
  const raster = new Raster(width, height);
  drawScene(raster, layoutScene(width, height, label, seconds), 0);
  return encodeWebpLossless(raster);
}

/** The spritesheet grid for a video: tile size and count, columns and rows. */
export function spritesheetGrid(width: number, height: number, seconds: number) {
  const scale = TILE_SIZE / Math.max(width, height);
  const tileWidth = Math.max(2, Math.round((width * scale) / 2) * 2);
  const tileHeight = Math.max(2, Math.round((height * scale) / 2) * 2);
  const tiles = Math.max(1, Math.round(seconds));
  const columns = Math.min(TILE_COLUMNS, tiles);
  const rows = Math.ceil(tiles / columns);
  return {
    tileWidth,
    tileHeight,
    tiles,
    columns,
    rows,
    width: columns * tileWidth,
    height: rows * tileHeight,
  };
}

/**
 * Renders the spritesheet: a baseline JPEG grid of small frames, one per second of video (tile `i`
 * shows the frame at `i * seconds / tiles`), four per row, the longest tile side 256 pixels.
 */
export function renderSpritesheet(options: RenderSpritesheetOptions): Uint8Array<ArrayBuffer> {
  const { width, height, seconds, label } = options;
  checkSize(width, height, 'video');
  checkSeconds(seconds);
  const grid = spritesheetGrid(width, height, seconds);
  const sheet = new Raster(grid.width, grid.height);
  sheet.fillRect(0, 0, grid.width, grid.height, 0x111111); // cells left over in the last row
  const layout = layoutScene(grid.tileWidth, grid.tileHeight, label, seconds);
  for (let i = 0; i < grid.tiles; i++) {
    const ox = (i % grid.columns) * grid.tileWidth;
    const oy = Math.floor(i / grid.columns) * grid.tileHeight;
    drawScene(sheet, layout, (i * seconds) / grid.tiles, ox, oy);
  }
  return encodeJpeg(sheet, 85);
}
