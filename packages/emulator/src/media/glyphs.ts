/**
 * Every glyph the raster can draw, as 12 rows of 8 pixels: 2 rows above the 8x8 cell, the cell, and 2
 * rows below it. The extra rows fall in the 2-row gap between lines of text (see scene.ts), which is
 * where the accents of capitals and the cedillas and ogoneks go, so accented capitals keep the full
 * height of the ASCII ones instead of being squashed.
 *
 * ASCII comes from font8x8 (bitmap-font.ts). Accented Latin letters are composed on first use from
 * their base letter and the marks of combining-marks.ts, following Unicode's canonical decomposition
 * (é = e + U+0301), so every such letter of every Latin-script language is covered by one rule.
 * A handful of symbols common in prompts have a glyph of their own (EXTRA_GLYPHS).
 */
import { GLYPH_SIZE, glyphRows, REPLACEMENT_CHAR } from './bitmap-font.js';
import { bits, COMBINING_MARKS, type Mark, STROKED_LETTERS } from './combining-marks.js';

/** Rows of background above the 8x8 cell in each glyph. */
export const ROWS_ABOVE = 2;
/** Rows per glyph: above, the cell, below. */
export const GLYPH_ROWS = ROWS_ABOVE + GLYPH_SIZE + 2;

const fromCellRows = (rows: ArrayLike<number>): Uint8Array => {
  const glyph = new Uint8Array(GLYPH_ROWS);
  for (let r = 0; r < GLYPH_SIZE; r++) glyph[ROWS_ABOVE + r] = rows[r] ?? 0;
  return glyph;
};

/** Reverses the 8 pixels of a row (a horizontal mirror). */
const mirror = (byte: number): number => {
  let out = 0;
  for (let i = 0; i < 8; i++) if ((byte >> i) & 1) out |= 1 << (7 - i);
  return out;
};

/** Glyphs drawn for this project, for symbols that neither ASCII nor a base letter + mark can show. */
const EXTRA_GLYPHS: ReadonlyMap<number, Uint8Array> = new Map(
  (
    [
      // ß
      [
        0xdf,
        ['.####...', '##..##..', '##..##..', '##.##...', '##..##..', '##..##..', '##.##...', '##......'],
      ],
      // °
      [
        0xb0,
        ['.###....', '##.##...', '.###....', '........', '........', '........', '........', '........'],
      ],
      // €
      [
        0x20ac,
        ['..####..', '.##..##.', '#####...', '.##.....', '#####...', '.##..##.', '..####..', '........'],
      ],
      // £
      [
        0xa3,
        ['..###...', '.##.##..', '.##.....', '####....', '.##.....', '.##..#..', '######..', '........'],
      ],
      // ¥
      [
        0xa5,
        ['##..##..', '##..##..', '.####...', '######..', '..##....', '######..', '..##....', '........'],
      ],
    ] as const
  ).map(([code, rows]) => [code, fromCellRows(rows.map(bits))]),
);

/** Upside-down punctuation of Spanish: ¡ is ! turned over, ¿ is ? turned half a turn. */
function turned(code: number): Uint8Array | undefined {
  if (code !== 0xa1 && code !== 0xbf) return undefined;
  const source = glyphRows(code === 0xa1 ? 0x21 : 0x3f);
  // Both ASCII glyphs use rows 0-6; turning them over keeps them on the same rows.
  const rows = Array.from({ length: GLYPH_SIZE }, (_, r) => (r < 7 ? (source[6 - r] ?? 0) : 0));
  return fromCellRows(code === 0xbf ? rows.map((b) => mirror(b) >> 2) : rows);
}

const ASCII_GLYPHS = Array.from({ length: 0x7f - 0x20 }, (_, i) => fromCellRows(glyphRows(0x20 + i)));
const BOX = fromCellRows(glyphRows(REPLACEMENT_CHAR.charCodeAt(0)));
/** Composed glyphs by code point; `null` for a code point the font cannot draw. */
const composed = new Map<number, Uint8Array | null>();

const isAsciiLetter = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/** First and last glyph rows with ink, or [-1, -1] for an empty glyph. */
function inkRows(glyph: Uint8Array): [number, number] {
  let top = -1;
  let bottom = -1;
  for (let r = 0; r < GLYPH_ROWS; r++) {
    if (glyph[r] === 0) continue;
    if (top < 0) top = r;
    bottom = r;
  }
  return [top, bottom];
}

/** ORs `rows` into the glyph from glyph row `at`, dropping what falls outside it. */
function stamp(glyph: Uint8Array, rows: readonly number[], at: number): void {
  rows.forEach((byte, i) => {
    const r = at + i;
    if (r >= 0 && r < GLYPH_ROWS) glyph[r] = (glyph[r] ?? 0) | byte;
  });
}

/**
 * Draws `marks` onto a copy of the base letter. Marks above are stacked upwards from the ink, one row
 * clear of it when there is room; marks below hang from it; a horn starts one row above the ink.
 */
function compose(base: number, marks: readonly Mark[], dotless: boolean): Uint8Array {
  const glyph = new Uint8Array(ASCII_GLYPHS[base - 0x20] ?? BOX);
  const aboveMarks = marks.filter((m) => m.place === 'above');
  // i and j lose their dot under an accent (í, ĵ), as in every Latin typeface.
  if ((base === 0x69 || base === 0x6a) && (dotless || aboveMarks.length > 0)) glyph[ROWS_ABOVE] = 0;
  const [top, bottom] = inkRows(glyph);
  const height = aboveMarks.reduce((sum, m) => sum + m.rows.length, 0);
  let cursor = height + 1 <= top ? top - 1 : top;
  for (const m of aboveMarks) {
    cursor -= m.rows.length;
    stamp(glyph, m.rows, cursor);
  }
  let below = bottom + 1;
  for (const m of marks) {
    if (m.place === 'below') {
      stamp(glyph, m.rows, below);
      below += m.rows.length;
    } else if (m.place === 'horn') stamp(glyph, m.rows, top - 1);
    else if (m.place === 'through') stamp(glyph, m.rows, ROWS_ABOVE + m.row);
  }
  return glyph;
}

function build(code: number): Uint8Array | null {
  const extra = EXTRA_GLYPHS.get(code) ?? turned(code);
  if (extra) return extra;
  const stroked = STROKED_LETTERS.get(code);
  if (stroked) {
    return compose(stroked.base.charCodeAt(0), stroked.stroke ? [stroked.stroke] : [], !!stroked.dotless);
  }
  const [base = 0, ...rest] = [...String.fromCodePoint(code).normalize('NFD')].map(
    (c) => c.codePointAt(0) ?? 0,
  );
  if (rest.length === 0 || !isAsciiLetter(base)) return null;
  // A mark without a bitmap is left out: the base letter alone still reads better than a box.
  const marks = rest.map((m) => COMBINING_MARKS.get(m)).filter((m): m is Mark => m !== undefined);
  return compose(base, marks, false);
}

/**
 * Where a glyph can exist beyond ASCII: Latin-1 and Latin Extended-A/B (U+0080..U+024F), Latin
 * Extended Additional (U+1E00..U+1EFF, Vietnamese) and the extra symbols. Checking the range first keeps
 * the cache to those few hundred code points whatever text comes in (a prompt is user input).
 */
const mayHaveGlyph = (code: number) =>
  (code >= 0x80 && code < 0x250) || (code >= 0x1e00 && code < 0x1f00) || EXTRA_GLYPHS.has(code);

function lookup(code: number): Uint8Array | null {
  if (code >= 0x20 && code < 0x7f) return ASCII_GLYPHS[code - 0x20] ?? null;
  if (!mayHaveGlyph(code)) return null;
  let glyph = composed.get(code);
  if (glyph === undefined) {
    glyph = build(code);
    composed.set(code, glyph);
  }
  return glyph;
}

/** True if the raster has a glyph for this code point (printable ASCII, accented Latin, a few symbols). */
export function canDraw(code: number): boolean {
  return lookup(code) !== null;
}

/**
 * The glyph of a code point: GLYPH_ROWS bytes, top to bottom, bit 0 the leftmost pixel; the cell
 * starts at row ROWS_ABOVE. Anything the font cannot draw gets the hollow box.
 */
export function glyphFor(code: number): Uint8Array {
  return lookup(code) ?? BOX;
}
