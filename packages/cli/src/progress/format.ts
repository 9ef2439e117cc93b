import { visibleText } from '../terminal-text.js';

/** Small formatters shared by the progress displays. */

/** `0:07`, `12:34`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `512 B`, `1.3 MiB`, `12 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A bar `width` cells wide, `fraction` (0..1) of it full. */
export function renderBar(fraction: number, width: number): string {
  const cells = Number.isFinite(width) ? Math.max(0, Math.floor(width)) : 0;
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * cells);
  return '█'.repeat(full) + '░'.repeat(cells - full);
}

/** A percent, right-aligned in 4 columns: `  7%`, ` 48%`, `100%`. */
export function formatPercent(percent: number): string {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.floor(percent))) : 0;
  return `${String(p).padStart(3)}%`;
}

/**
 * The number of terminal columns `text` takes: our own styling takes none, any other control counts as
 * the escape it is shown as (see terminal-text.ts); one column per code point.
 */
export function visibleLength(text: string): number {
  return [...visibleText(text)].length;
}

/**
 * The time left, estimated from two samples of a rising quantity (percent or bytes): the rate between
 * the first and the latest sample, applied to what remains. Undefined until the quantity has moved.
 */
export function estimateRemainingMs(
  first: { value: number; at: number },
  latest: { value: number; at: number },
  target: number,
  now: number,
): number | undefined {
  const moved = latest.value - first.value;
  const took = latest.at - first.at;
  if (moved <= 0 || took <= 0) return undefined;
  const rate = moved / took;
  return Math.max(0, (target - latest.value) / rate - (now - latest.at));
}
