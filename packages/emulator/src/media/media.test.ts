// Checks the generated media with the real tools: ffprobe must describe them as intended, ffmpeg must
// decode every frame without a word on stderr, and the decoded pixels must be what the raster drew.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GLYPH_SIZE, glyphRows, REPLACEMENT_CHAR } from './bitmap-font.js';
import { Raster } from './raster.js';
import { renderSpritesheet, renderThumbnail, renderVideo, spritesheetGrid } from './render.js';
import { drawScene, layoutScene } from './scene.js';
import { encodeWebpLossless } from './webp.js';

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

// In CI the tools are required; on a workstation without ffmpeg the suite is skipped with a warning.
const haveFfmpeg = hasTool('ffprobe') && hasTool('ffmpeg');
if (!haveFfmpeg && !process.env.CI) console.warn('media.test.ts: ffprobe/ffmpeg not found, skipping');

const dir = mkdtempSync(join(tmpdir(), 'sora-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function run(cmd: string, args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 45_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${stderr.toString()}`));
        else resolve({ stdout, stderr: stderr.toString() });
      },
    );
  });
}

interface Probe {
  streams: {
    codec_name: string;
    profile?: string;
    width: number;
    height: number;
    duration?: string;
    nb_frames?: string;
    level?: number;
  }[];
  format: { duration?: string; format_name: string };
}

async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-of',
    'json',
    file,
  ]);
  return JSON.parse(stdout.toString()) as Probe;
}

/** Decodes everything, discarding the output; returns ffmpeg's complaints (should be none). */
async function decodeAll(file: string): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-']);
  return stderr;
}

/** Frame `index` (default 0) as packed RGB. */
async function decodeRgb(file: string, index = 0): Promise<Uint8Array> {
  const select = index > 0 ? ['-vf', `select=eq(n\\,${index})`] : [];
  const { stdout, stderr } = await run('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-i',
    file,
    ...select,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
  expect(stderr).toBe('');
  return new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length);
}

interface Comparison {
  /** Mean absolute difference over all channels of all pixels. */
  mean: number;
  /** Largest channel difference among pixels inside flat areas (all neighbours within `radius` equal). */
  flatMax: number;
  flatPixels: number;
}

/** Compares decoded RGB with the raster, overall and on flat areas (away from edges, where chroma subsampling or DCT ringing legitimately blur). */
function compare(raster: Raster, rgb: Uint8Array, radius: number): Comparison {
  const { width, height } = raster;
  expect(rgb.length).toBe(width * height * 3);
  let sum = 0;
  let flatMax = 0;
  let flatPixels = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = raster.get(x, y);
      const i = (y * width + x) * 3;
      const d = [
        Math.abs((rgb[i] as number) - (c >>> 16)),
        Math.abs((rgb[i + 1] as number) - ((c >> 8) & 255)),
        Math.abs((rgb[i + 2] as number) - (c & 255)),
      ];
      sum += (d[0] as number) + (d[1] as number) + (d[2] as number);
      if (isFlat(raster, x, y, radius)) {
        flatPixels++;
        flatMax = Math.max(flatMax, ...d);
      }
    }
  }
  return { mean: sum / (width * height * 3), flatMax, flatPixels };
}

/** Largest channel error over the JPEG 8x8 blocks that the raster fills with a single colour. */
function compareUniformBlocks(raster: Raster, rgb: Uint8Array): { blocks: number; max: number } {
  let blocks = 0;
  let max = 0;
  for (let by = 0; by + 8 <= raster.height; by += 8) {
    for (let bx = 0; bx + 8 <= raster.width; bx += 8) {
      const c = raster.get(bx, by);
      let uniform = true;
      for (let y = by; y < by + 8 && uniform; y++) {
        for (let x = bx; x < bx + 8; x++) if (raster.get(x, y) !== c) uniform = false;
      }
      if (!uniform) continue;
      blocks++;
      for (let y = by; y < by + 8; y++) {
        for (let x = bx; x < bx + 8; x++) {
          const d = pixel(rgb, raster.width, x, y);
          for (const s of [16, 8, 0]) max = Math.max(max, Math.abs(((d >> s) & 255) - ((c >> s) & 255)));
        }
      }
    }
  }
  return { blocks, max };
}

function isFlat(raster: Raster, x: number, y: number, radius: number): boolean {
  if (x < radius || y < radius || x >= raster.width - radius || y >= raster.height - radius) return false;
  const c = raster.get(x, y);
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) if (raster.get(x + dx, y + dy) !== c) return false;
  }
  return true;
}

function pixel(rgb: Uint8Array, width: number, x: number, y: number): number {
  const i = (y * width + x) * 3;
  return ((rgb[i] as number) << 16) | ((rgb[i + 1] as number) << 8) | (rgb[i + 2] as number);
}

/** BT.601 luma of 0xRRGGBB, 0..255. */
function luma(c: number): number {
  return 0.299 * (c >>> 16) + 0.587 * ((c >> 8) & 255) + 0.114 * (c & 255);
}

function near(a: number, b: number, tolerance: number): boolean {
  return [16, 8, 0].every((s) => Math.abs(((a >> s) & 255) - ((b >> s) & 255)) <= tolerance);
}

/** The first pixel of `color` in the middle of a flat patch of that colour (a solid part of a glyph). */
function findSolid(raster: Raster, color: number, radius: number): [number, number] | undefined {
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      if (raster.get(x, y) === color && isFlat(raster, x, y, radius)) return [x, y];
    }
  }
  return undefined;
}

const LABEL =
  'video_68d2f1a7c5e08190b1f8a3b0c7e6d5f4\nA calico cat playing a grand piano on a dimly lit stage, café lights ☕';
const SIZES = [
  [720, 1280],
  [1280, 720],
  [1024, 1792],
  [1792, 1024],
] as const;
const SECONDS = [4, 8, 12] as const;

function sceneAt(width: number, height: number, seconds: number | undefined, t: number): Raster {
  const raster = new Raster(width, height);
  drawScene(raster, layoutScene(width, height, LABEL, seconds), t);
  return raster;
}

/** Checks a decoded video frame against the raster: H.264 I_PCM is lossless, only YUV->RGB rounding and 4:2:0 remain. */
function expectFrameMatches(raster: Raster, rgb: Uint8Array): void {
  const cmp = compare(raster, rgb, 2);
  expect(cmp.mean).toBeLessThan(4);
  expect(cmp.flatPixels).toBeGreaterThan(raster.width * raster.height * 0.3);
  expect(cmp.flatMax).toBeLessThanOrEqual(4);
}

describe.skipIf(!haveFfmpeg && !process.env.CI)(
  'MP4 / H.264 with ffprobe and ffmpeg',
  { timeout: 60_000 },
  () => {
    for (const [width, height] of SIZES) {
      for (const seconds of SECONDS) {
        it(`${width}x${height}, ${seconds}s`, async () => {
          const file = save(
            `v-${width}x${height}-${seconds}.mp4`,
            renderVideo({ width, height, seconds, label: LABEL }),
          );
          const info = await probe(file);
          expect(info.format.format_name).toContain('mp4');
          expect(info.streams).toHaveLength(1);
          const [video] = info.streams;
          expect(video?.codec_name).toBe('h264');
          expect(video?.profile).toMatch(/^(Constrained )?Baseline$/);
          expect(video?.width).toBe(width);
          expect(video?.height).toBe(height);
          expect(Math.abs(Number(video?.duration) - seconds)).toBeLessThan(0.1);
          expect(Math.abs(Number(info.format.duration) - seconds)).toBeLessThan(0.1);
          expect(Number(video?.nb_frames)).toBe(seconds * 24);
          expect(await decodeAll(file)).toBe('');

          // Frame 0 is the picture the raster drew: background in the corner, text where the text is.
          const first = await decodeRgb(file);
          const expected = sceneAt(width, height, seconds, 0);
          expectFrameMatches(expected, first);
          const layout = layoutScene(width, height, LABEL, seconds);
          expect(near(pixel(first, width, 0, 0), layout.background, 4)).toBe(true);
          for (const color of [layout.foreground, layout.accent]) {
            const at = findSolid(expected, color, 1);
            expect(at).toBeDefined();
            const [x, y] = at ?? [0, 0];
            expect(near(pixel(first, width, x, y), color, 6)).toBe(true);
          }

          // The last frame shows the animation's end state (the P_Skip + I_PCM updates add up).
          const frames = seconds * 24;
          const last = await decodeRgb(file, frames - 1);
          expectFrameMatches(sceneAt(width, height, seconds, (frames - 1) / 24), last);
        });
      }
    }

    it('shows an accented and a CJK prompt legibly in the decoded video', async () => {
      const [width, height] = [1280, 720];
      const label = 'video_68d2f1a7c5e08190b1f8a3b0c7e6d5f4\nCrème brûlée 中 🐯';
      const file = save('v-unicode.mp4', renderVideo({ width, height, seconds: 4, label }));
      const frame = await decodeRgb(file);
      const layout = layoutScene(width, height, label, 4);
      const body = layout.blocks.at(-1);
      expect(body?.lines).toHaveLength(1);
      const { x, y, scale } = body ?? { x: 0, y: 0, scale: 1 };
      // Read the line back from the decoded pixels, cell by cell, with font8x8's ASCII table as the
      // only reference: each font pixel is sampled at its centre, ink being nearer the text's colour.
      const threshold = (luma(layout.background) + luma(layout.foreground)) / 2;
      const cellAt = (index: number) =>
        Array.from({ length: GLYPH_SIZE + 4 }, (_, row) => {
          let byte = 0;
          for (let col = 0; col < GLYPH_SIZE; col++) {
            const px = x + (index * GLYPH_SIZE + col) * scale + (scale >> 1);
            const py = y + (row - 2) * scale + (scale >> 1);
            if (luma(pixel(frame, width, px, py)) > threshold) byte |= 1 << col;
          }
          return byte;
        });
      const ascii = (rows: number[]) => {
        for (let c = 0x20; c < 0x7f; c++) {
          const glyph = [0, 0, ...glyphRows(c), 0, 0];
          if (glyph.every((b, i) => b === rows[i])) return String.fromCharCode(c);
        }
        return '?';
      };
      const cells = Array.from({ length: Math.floor((width - x) / (GLYPH_SIZE * scale)) }, (_, i) =>
        cellAt(i),
      );
      const text = cells.map(ascii).join('').trimEnd();
      // The CJK character and the emoji read as their code points; the accented letters are not ASCII.
      expect(text).toBe('Cr?me br?l?e U+4E2D U+1F42F');
      // Each accented letter is its base letter (rows 1-7 of the cell) with ink above it: its accent.
      for (const [index, base] of [
        [2, 'e'],
        [8, 'u'],
        [10, 'e'],
      ] as const) {
        const rows = cells[index] ?? [];
        expect(rows.slice(3, 10), base).toEqual([...glyphRows(base.charCodeAt(0))].slice(1));
        expect(
          rows.slice(0, 3).some((b) => b !== 0),
          base,
        ).toBe(true);
      }
      // Nothing on the line is the box drawn for characters the font lacks.
      const box = [0, 0, ...glyphRows(REPLACEMENT_CHAR.charCodeAt(0)), 0, 0];
      expect(cells.some((rows) => rows.every((b, i) => b === box[i]))).toBe(false);
    });

    it('crops sizes that are not multiples of 16 and honours fps and fractional durations', async () => {
      const file = save(
        'odd.mp4',
        renderVideo({ width: 200, height: 122, seconds: 2.5, label: LABEL, fps: 30 }),
      );
      const info = await probe(file);
      expect(info.streams[0]).toMatchObject({ codec_name: 'h264', width: 200, height: 122 });
      expect(Math.abs(Number(info.streams[0]?.duration) - 2.5)).toBeLessThan(0.01);
      expect(Number(info.streams[0]?.nb_frames)).toBe(75);
      expect(await decodeAll(file)).toBe('');
      expectFrameMatches(sceneAt(200, 122, 2.5, 0), await decodeRgb(file));
      // Only the first picture is a key frame (stss) and an I picture; the rest are P pictures.
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame,pict_type'],
        ...['-of', 'csv=p=0', file],
      ]);
      const frames = stdout.toString().trim().split('\n');
      expect(frames).toHaveLength(75);
      expect(frames[0]).toBe('1,I');
      expect(new Set(frames.slice(1))).toEqual(new Set(['0,P']));
    });
  },
);

describe.skipIf(!haveFfmpeg && !process.env.CI)(
  'WebP thumbnail with ffprobe and ffmpeg',
  { timeout: 60_000 },
  () => {
    for (const [width, height] of SIZES) {
      it(`${width}x${height} decodes to exactly the raster`, async () => {
        const file = save(
          `t-${width}x${height}.webp`,
          renderThumbnail({ width, height, label: LABEL, seconds: 8 }),
        );
        const info = await probe(file);
        expect(info.streams[0]).toMatchObject({ codec_name: 'webp', width, height });
        const rgb = await decodeRgb(file);
        const expected = sceneAt(width, height, 8, 0);
        const cmp = compare(expected, rgb, 0);
        expect(cmp.mean).toBe(0); // lossless
      });
    }

    // Every bundling width (1, 2, 4, 8 bits per index), the no-palette path, odd sizes.
    for (const colors of [1, 2, 3, 5, 17, 300]) {
      it(`codes a ${colors}-colour noise image losslessly`, async () => {
        const raster = new Raster(37, 23);
        let seed = colors;
        const random = () => {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          return seed >>> 8;
        };
        const palette = Array.from({ length: colors }, () => random() & 0xffffff);
        for (let i = 0; i < raster.pixels.length; i++) {
          // Runs and repeated rows as well as noise, so literals and both copy distances occur.
          raster.pixels[i] = i % 37 < 10 ? (palette[0] ?? 0) : (palette[random() % colors] ?? 0);
        }
        const file = save(`noise-${colors}.webp`, encodeWebpLossless(raster));
        expect((await probe(file)).streams[0]).toMatchObject({ codec_name: 'webp', width: 37, height: 23 });
        expect(compare(raster, await decodeRgb(file), 0).mean).toBe(0);
      });
    }
  },
);

describe.skipIf(!haveFfmpeg && !process.env.CI)(
  'JPEG spritesheet with ffprobe and ffmpeg',
  { timeout: 60_000 },
  () => {
    for (const [width, height] of SIZES) {
      it(`${width}x${height}, 12s`, async () => {
        const seconds = 12;
        const file = save(
          `s-${width}x${height}.jpg`,
          renderSpritesheet({ width, height, seconds, label: LABEL }),
        );
        const grid = spritesheetGrid(width, height, seconds);
        const info = await probe(file);
        expect(info.streams[0]).toMatchObject({
          codec_name: 'mjpeg',
          width: grid.width,
          height: grid.height,
        });
        expect(await decodeAll(file)).toBe('');
        const rgb = await decodeRgb(file);
        const expected = new Raster(grid.width, grid.height);
        const layout = layoutScene(grid.tileWidth, grid.tileHeight, LABEL, seconds);
        for (let i = 0; i < grid.tiles; i++) {
          const ox = (i % grid.columns) * grid.tileWidth;
          const oy = Math.floor(i / grid.columns) * grid.tileHeight;
          drawScene(expected, layout, i, ox, oy);
        }
        expect(compare(expected, rgb, 0).mean).toBeLessThan(6);
        // Inside 8x8 blocks that are one colour, only DC quantisation and colour rounding remain.
        const flat = compareUniformBlocks(expected, rgb);
        expect(flat.blocks).toBeGreaterThan((grid.width * grid.height) / 64 / 3);
        expect(flat.max).toBeLessThanOrEqual(4);
        // Each tile's progress bar: filled (accent) at its left end from the second tile on.
        const x = layout.bar.x + 1;
        const y = grid.tileHeight + layout.bar.y + 1; // first tile of the second row
        expect(near(pixel(rgb, grid.width, x, y), layout.accent, 40)).toBe(true);
      });
    }
  },
);
