/**
 * Bitmaps of the diacritics that turn the 8x8 ASCII letters into the accented letters of Latin-script
 * languages (French, German, Spanish, Portuguese, Polish, Czech, Turkish, Vietnamese, pinyin...). An
 * accented letter is drawn as its base letter plus these marks (see glyphs.ts), so one small table
 * covers every precomposed letter Unicode decomposes into an ASCII letter and combining marks, rather
 * than a hand-drawn glyph per letter.
 *
 * Drawn for this project; rows are written as strings, '#' for ink, leftmost pixel first, and centred
 * on columns 2-3, the middle of most font8x8 letters.
 */

/**
 * Where a mark goes: `above` the letter's ink (stacked upwards, into the gap between lines if need be),
 * right `below` it (rows of background in the bitmap make a gap), `horn` at its top right (starting one
 * row above the ink), or `through` the letter at a fixed row of the cell (strokes and slashes).
 */
export type Mark =
  | { readonly place: 'above' | 'below' | 'horn'; readonly rows: readonly number[] }
  | { readonly place: 'through'; readonly rows: readonly number[]; readonly row: number };

/** '#' is ink, '.' is background, leftmost pixel first; gives the font's byte (bit 0 = leftmost). */
export const bits = (row: string): number => {
  let byte = 0;
  for (let i = 0; i < row.length; i++) if (row[i] === '#') byte |= 1 << i;
  return byte;
};

const above = (...rows: string[]): Mark => ({ place: 'above', rows: rows.map(bits) });
const below = (...rows: string[]): Mark => ({ place: 'below', rows: rows.map(bits) });
const through = (row: number, ...rows: string[]): Mark => ({ place: 'through', row, rows: rows.map(bits) });

/** Combining diacritical marks (U+0300..U+036F) the font can draw, by code point. */
export const COMBINING_MARKS: ReadonlyMap<number, Mark> = new Map([
  [0x0300, above('..##....', '...##...')], // grave
  [0x0301, above('...##...', '..##....')], // acute
  [0x0302, above('..##....', '.#..#...')], // circumflex
  [0x0303, above('.##.#...', '#.##....')], // tilde
  [0x0304, above('.####...')], // macron
  [0x0306, above('#...#...', '.###....')], // breve
  [0x0307, above('..##....')], // dot above
  [0x0308, above('##..##..')], // diaeresis
  [0x0309, above('.##.....', '..#.....')], // hook above (Vietnamese)
  [0x030a, above('..##....', '..##....')], // ring above
  [0x030b, above('..#..#..', '.#..#...')], // double acute
  [0x030c, above('.#..#...', '..##....')], // caron
  [0x031b, { place: 'horn', rows: [bits('......##'), bits('.....#..')] }], // horn (Vietnamese o, u)
  [0x0323, below('........', '..##....')], // dot below (Vietnamese)
  [0x0326, below('........', '..#.....', '.#......')], // comma below (Romanian)
  [0x0327, below('...#....', '.##.....')], // cedilla
  [0x0328, below('....#...', '....##..')], // ogonek
]);

/**
 * Letters Unicode does not decompose (the stroke is part of the letter) but that read as an ASCII
 * letter with a stroke through it. `dotless` drops the dot of i and j (for ı).
 */
export const STROKED_LETTERS: ReadonlyMap<
  number,
  { readonly base: string; readonly stroke?: Mark; readonly dotless?: boolean }
> = new Map([
  [
    0x00d8,
    {
      base: 'O',
      stroke: through(0, '......#.', '.....#..', '....#...', '...#....', '..#.....', '.#......', '#.......'),
    },
  ], // Ø
  [0x00f8, { base: 'o', stroke: through(2, '.....#..', '....#...', '...#....', '..#.....', '.#......') }], // ø
  [0x0141, { base: 'L', stroke: through(2, '....#...', '...#....', '#.......') }], // Ł
  [0x0142, { base: 'l', stroke: through(2, '.....#..', '....#...', '.#......') }], // ł
  [0x0110, { base: 'D', stroke: through(3, '####....') }], // Đ
  [0x00d0, { base: 'D', stroke: through(3, '####....') }], // Ð
  [0x0111, { base: 'd', stroke: through(1, '..#####.') }], // đ
  [0x0126, { base: 'H', stroke: through(1, '#######.') }], // Ħ
  [0x0127, { base: 'h', stroke: through(1, '####....') }], // ħ
  [0x0131, { base: 'i', dotless: true }], // ı: i without its dot
]);
