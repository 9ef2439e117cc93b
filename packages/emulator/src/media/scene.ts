/**
 * What the emulator's media show: a coloured card with a caption, the job's label (heading + body text)
 * and, along the bottom, a progress bar with a playhead and a timecode. The same picture, drawn at time
 * `t`, is the video frame, the thumbnail (t = 0) and each spritesheet tile.
 *
 * The animated parts sit on a 16-pixel grid at video sizes so that, from one frame to the next, only a
 * handful of H.264 macroblocks change (see `dirtyRects`).
 */
import { GLYPH_SIZE } from './bitmap-font.js';
import { toDrawableText } from './drawable-text.js';
import { type Raster, type Rgb, textWidth, wrapText } from './raster.js';

/** A rectangle in scene coordinates. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A block of text lines drawn at one scale. */
export interface TextBlock {
  readonly lines: readonly string[];
  readonly scale: number;
  readonly color: Rgb;
}

/** Everything needed to draw the scene; a pure function of size, label and duration. */
export interface SceneLayout {
  readonly width: number;
  readonly height: number;
  /** Clip duration; undefined when unknown (no duration is shown, the playhead stays at 0). */
  readonly seconds: number | undefined;
  readonly background: Rgb;
  readonly foreground: Rgb;
  readonly accent: Rgb;
  readonly track: Rgb;
  readonly caption: TextBlock & { readonly x: number; readonly y: number };
  /** Heading (first label line) then body (the rest), vertically centred in the text area. */
  readonly blocks: readonly (TextBlock & { readonly x: number; readonly y: number })[];
  /** The band holding the progress bar and playhead (one macroblock row at video sizes). */
  readonly band: Rect;
  /** The bar itself, inside the band. */
  readonly bar: Rect;
  /** Playhead size. */
  readonly knob: { readonly w: number; readonly h: number };
  /** Where the timecode is drawn, and the box cleared before drawing it. */
  readonly time: Rect & { readonly scale: number };
}

/**
 * Deep backgrounds that keep white text readable; one is picked from a hash of the label, so different
 * jobs look different but the same job always renders the same bytes.
 */
const BACKGROUNDS: readonly Rgb[] = [0x1e3a8a, 0x134e4a, 0x4c1d95, 0x7c2d12, 0x14532d, 0x831843, 0x1f2937];
const FOREGROUND: Rgb = 0xf8fafc;
const ACCENT: Rgb = 0xfbbf24;

/** FNV-1a, 32 bits: a stable, dependency-free string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  let out = 0;
  for (const shift of [16, 8, 0]) {
    const ca = (a >> shift) & 255;
    const cb = (b >> shift) & 255;
    out |= Math.round(ca + (cb - ca) * t) << shift;
  }
  return out;
}

const alignDown = (v: number, grid: number) => Math.floor(v / grid) * grid;
const alignUp = (v: number, grid: number) => Math.ceil(v / grid) * grid;

/** Line pitch for text at `scale`: the 8-pixel glyph plus a 2-pixel gap, scaled. */
const lineHeight = (scale: number) => (GLYPH_SIZE + 2) * scale;

function blockHeight(lines: number, scale: number): number {
  return lines > 0 ? lines * lineHeight(scale) - 2 * scale : 0;
}

/** Cuts `lines` to `max` lines, marking the cut with "..." at the end of the last one. */
function truncate(lines: string[], max: number, columns: number): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, Math.max(1, max));
  const last = kept.length - 1;
  kept[last] = `${(kept[last] ?? '').slice(0, Math.max(0, columns - 3))}...`;
  return kept;
}

/**
 * Lays the label out in the `areaW` x `areaH` text area: the first line of a multi-line label is a
 * heading (typically the video id), the rest is the body (typically the prompt). Tries the largest body
 * scale first and shrinks until everything fits, preferring scales at which no word has to be split;
 * if even the smallest scale is too small, the body is truncated with "...".
 */
function fitLabel(label: string, areaW: number, areaH: number, maxScale: number, minScale: number) {
  const paragraphs = toDrawableText(label).split('\n');
  const heading = paragraphs.length > 1 ? (paragraphs[0] ?? '').trim() : '';
  const body = (paragraphs.length > 1 ? paragraphs.slice(1) : paragraphs).join('\n').trim();
  const longestWord = Math.max(0, ...body.split(/[\s]+/).map((w) => w.length));

  const attempt = (scale: number) => {
    const cols = Math.max(1, Math.floor(areaW / (GLYPH_SIZE * scale)));
    let headingScale = 0;
    let headingLines: string[] = [];
    if (heading !== '') {
      headingScale = Math.max(minScale, Math.min(scale, Math.floor(areaW / (GLYPH_SIZE * heading.length))));
      headingLines = wrapText(heading, Math.floor(areaW / (GLYPH_SIZE * headingScale)));
    }
    const bodyLines = body === '' ? [] : wrapText(body, cols);
    const gap = heading !== '' && bodyLines.length > 0 ? lineHeight(scale) : 0;
    const height =
      blockHeight(headingLines.length, headingScale) + gap + blockHeight(bodyLines.length, scale);
    return { scale, cols, headingScale, headingLines, bodyLines, gap, height, whole: longestWord <= cols };
  };

  let chosen: ReturnType<typeof attempt> | undefined;
  for (const needWhole of [true, false]) {
    for (let s = maxScale; s >= minScale && !chosen; s--) {
      const a = attempt(s);
      if (a.height <= areaH && (a.whole || !needWhole)) chosen = a;
    }
  }
  if (!chosen) {
    const a = attempt(minScale);
    const room = areaH - blockHeight(a.headingLines.length, a.headingScale) - a.gap + 2 * minScale;
    const bodyLines = truncate(a.bodyLines, Math.floor(room / lineHeight(minScale)), a.cols);
    chosen = { ...a, bodyLines, height: areaH };
  }
  return chosen;
}

/**
 * Computes the layout of the scene for a `width` x `height` picture of a `seconds`-long clip.
 * `label` is free text (any Unicode: see drawable-text.ts for how what is not Latin script is shown).
 */
export function layoutScene(
  width: number,
  height: number,
  label: string,
  seconds: number | undefined,
): SceneLayout {
  const duration = seconds === undefined ? '' : `  ${formatSeconds(seconds)}`;
  const unit = Math.min(width, height);
  // On video-sized pictures, align the animated parts to H.264 macroblocks (16 pixels).
  const grid = unit >= 320 ? 16 : 2;
  const margin = alignUp(Math.round(unit * 0.05), grid);
  const background = BACKGROUNDS[hash(label) % BACKGROUNDS.length] ?? 0;
  const track = mix(background, FOREGROUND, 0.3);

  const captionScale = Math.max(1, Math.round(unit / 360));
  const captionCols = Math.max(1, Math.floor((width - 2 * margin) / (GLYPH_SIZE * captionScale)));
  // The longest caption that fits: small spritesheet tiles only get the name.
  const captionText = [
    `SORA-KIT EMULATOR  ${width}x${height}${duration}`,
    'SORA-KIT EMULATOR',
    'SORA-KIT',
  ].find((c) => c.length <= captionCols);
  const caption = {
    lines: [captionText ?? ''],
    scale: captionScale,
    color: ACCENT,
    x: margin,
    y: margin,
  };

  const barH = unit >= 320 ? 8 : 4;
  const bandTop = alignDown(height - margin - 2 * barH, grid);
  const band = { x: 0, y: bandTop, w: width, h: 2 * barH };
  const bar = { x: margin, y: bandTop + barH / 2, w: Math.max(1, width - 2 * margin), h: barH };

  const timeScale = unit >= 1000 ? 4 : unit >= 320 ? 2 : 1;
  const glyph = GLYPH_SIZE * timeScale;
  const timeY = alignDown(bandTop - glyph / 2 - glyph, grid);
  const longest =
    seconds === undefined ? formatSeconds(0) : `${formatSeconds(seconds)} / ${formatSeconds(seconds)}`;
  const time = { x: margin, y: timeY, w: textWidth(`${longest} `, timeScale), h: glyph, scale: timeScale };

  const textTop = caption.y + lineHeight(captionScale) + GLYPH_SIZE * captionScale;
  const textBottom = timeY - glyph;
  const areaW = width - 2 * margin;
  const areaH = Math.max(0, textBottom - textTop);
  const minScale = unit >= 320 ? 2 : 1;
  const maxScale = Math.max(minScale, Math.floor(unit / 144));
  const fit = fitLabel(label, areaW, areaH, maxScale, minScale);
  const blocks = [];
  let y = textTop + Math.max(0, Math.floor((areaH - fit.height) / 2));
  if (fit.headingLines.length > 0) {
    blocks.push({ lines: fit.headingLines, scale: fit.headingScale, color: ACCENT, x: margin, y });
    y += blockHeight(fit.headingLines.length, fit.headingScale) + fit.gap;
  }
  if (fit.bodyLines.length > 0) {
    blocks.push({ lines: fit.bodyLines, scale: fit.scale, color: FOREGROUND, x: margin, y });
  }

  return {
    width,
    height,
    seconds,
    background,
    foreground: FOREGROUND,
    accent: ACCENT,
    track,
    caption,
    blocks,
    band,
    bar,
    knob: { w: barH, h: 2 * barH },
    time,
  };
}

/** "4.0s", "11.9s". */
function formatSeconds(s: number): string {
  return `${s.toFixed(1)}s`;
}

/** The timecode text shown at time `t`. */
export function timecode(layout: SceneLayout, t: number): string {
  const { seconds } = layout;
  if (seconds === undefined) return formatSeconds(0);
  return `${formatSeconds(Math.min(t, seconds))} / ${formatSeconds(seconds)}`;
}

/** The horizontal extent [x0, x1) of the playhead at time `t`. */
function knobSpan(layout: SceneLayout, t: number): [number, number] {
  const { bar, knob } = layout;
  const { seconds } = layout;
  const progress = seconds === undefined ? 0 : seconds > 0 ? Math.min(1, Math.max(0, t / seconds)) : 1;
  const fill = Math.round(bar.w * progress);
  const x = Math.min(bar.x + bar.w - knob.w, Math.max(bar.x, bar.x + fill - knob.w / 2));
  return [x, x + knob.w];
}

function drawBlock(r: Raster, block: TextBlock & { x: number; y: number }, ox: number, oy: number): void {
  block.lines.forEach((line, i) => {
    r.drawText(line, ox + block.x, oy + block.y + i * lineHeight(block.scale), block.scale, block.color);
  });
}

/** Draws the whole scene at time `t` with its top-left corner at (ox, oy) of `r`. */
export function drawScene(r: Raster, layout: SceneLayout, t: number, ox = 0, oy = 0): void {
  r.fillRect(ox, oy, layout.width, layout.height, layout.background);
  drawBlock(r, layout.caption, ox, oy);
  for (const block of layout.blocks) drawBlock(r, block, ox, oy);
  drawTime(r, layout, t, ox, oy);
}

/**
 * Redraws only the time-dependent parts (progress bar, playhead, timecode) for time `t`. Drawing the
 * scene at t0 and then calling this for t1 gives exactly `drawScene(t1)`.
 */
export function drawTime(r: Raster, layout: SceneLayout, t: number, ox = 0, oy = 0): void {
  const { band, bar, knob, time } = layout;
  r.fillRect(ox + band.x, oy + band.y, band.w, band.h, layout.background);
  r.fillRect(ox + bar.x, oy + bar.y, bar.w, bar.h, layout.track);
  const [k0] = knobSpan(layout, t);
  r.fillRect(ox + bar.x, oy + bar.y, k0 + knob.w / 2 - bar.x, bar.h, layout.accent);
  r.fillRect(ox + k0, oy + band.y + (band.h - knob.h) / 2, knob.w, knob.h, layout.foreground);
  r.fillRect(ox + time.x, oy + time.y, time.w, time.h, layout.background);
  r.drawText(timecode(layout, t), ox + time.x, oy + time.y, time.scale, layout.foreground);
}

/**
 * The parts of the picture that can differ between time `from` and time `to` (a superset: callers
 * compare pixels to find what really changed).
 */
export function dirtyRects(layout: SceneLayout, from: number, to: number): Rect[] {
  const rects: Rect[] = [];
  const [a0, a1] = knobSpan(layout, from);
  const [b0, b1] = knobSpan(layout, to);
  if (a0 !== b0) {
    const x0 = Math.min(a0, b0);
    rects.push({ x: x0, y: layout.band.y, w: Math.max(a1, b1) - x0, h: layout.band.h });
  }
  if (timecode(layout, from) !== timecode(layout, to)) rects.push(layout.time);
  return rects;
}
