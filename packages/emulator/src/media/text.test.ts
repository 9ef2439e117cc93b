// What the emulator's pictures show for prompts beyond ASCII: accented Latin as the base letter plus its
// mark, everything else as a readable code point (never an anonymous box).
import { describe, expect, it } from 'vitest';
import { GLYPH_SIZE, glyphRows, REPLACEMENT_CHAR } from './bitmap-font.js';
import { codePointLabel, toDrawableText } from './drawable-text.js';
import { canDraw, GLYPH_ROWS, glyphFor, ROWS_ABOVE } from './glyphs.js';
import { Raster } from './raster.js';

const cell = (glyph: Uint8Array) => [...glyph.subarray(ROWS_ABOVE, ROWS_ABOVE + GLYPH_SIZE)];
const above = (glyph: Uint8Array) => [...glyph.subarray(0, ROWS_ABOVE)];
const below = (glyph: Uint8Array) => [...glyph.subarray(ROWS_ABOVE + GLYPH_SIZE)];
const code = (ch: string) => ch.codePointAt(0) ?? 0;
const box = glyphFor(code(REPLACEMENT_CHAR));

describe('glyphs', () => {
  it('draws ASCII exactly as font8x8, with nothing above or below the cell', () => {
    for (let c = 0x20; c < 0x7f; c++) {
      const glyph = glyphFor(c);
      expect(glyph).toHaveLength(GLYPH_ROWS);
      expect(cell(glyph)).toEqual([...glyphRows(c)]);
      expect([...above(glyph), ...below(glyph)].every((b) => b === 0)).toBe(true);
    }
  });

  it('draws a lowercase accented letter as its base letter with the mark above its body', () => {
    for (const [accented, base] of [
      ['é', 'e'],
      ['ñ', 'n'],
      ['ü', 'u'],
      ['ő', 'o'],
      ['č', 'c'],
      ['ǎ', 'a'],
    ] as const) {
      const glyph = glyphFor(code(accented));
      const plain = glyphRows(code(base));
      // The body (rows 2-7 of the cell, where x-height letters have their ink) is the base letter's...
      expect(cell(glyph).slice(2), accented).toEqual([...plain].slice(2));
      // ...and the accent is drawn where the plain letter has none.
      expect(
        [...above(glyph), ...cell(glyph).slice(0, 2)].some((b) => b !== 0),
        accented,
      ).toBe(true);
      expect(glyph, accented).not.toEqual(box);
    }
  });

  it('keeps capitals whole and puts their accent in the gap above the cell', () => {
    for (const [accented, base] of [
      ['É', 'E'],
      ['Ö', 'O'],
      ['Å', 'A'],
      ['Ž', 'Z'],
    ] as const) {
      const glyph = glyphFor(code(accented));
      expect(cell(glyph), accented).toEqual([...glyphRows(code(base))]);
      expect(
        above(glyph).some((b) => b !== 0),
        accented,
      ).toBe(true);
    }
  });

  it('hangs cedillas and ogoneks below the letter, drops the dot of an accented i, and strokes ł', () => {
    expect(below(glyphFor(code('ç'))).some((b) => b !== 0)).toBe(true);
    expect(cell(glyphFor(code('Ç'))).slice(0, 7)).toEqual([...glyphRows(code('C'))].slice(0, 7));
    expect(cell(glyphFor(code('ą'))).slice(0, 7)).toEqual([...glyphRows(code('a'))].slice(0, 7));
    // í: the acute sits where the dot was, one row clear of the stem, rather than above the dot.
    expect([...above(glyphFor(code('í'))), ...cell(glyphFor(code('í')))]).toEqual([
      0x00,
      0x18,
      0x0c,
      0x00,
      ...[...glyphRows(code('i'))].slice(2),
    ]);
    expect(cell(glyphFor(code('ı')))).toEqual([0, ...[...glyphRows(code('i'))].slice(1)]);
    expect(glyphFor(code('ł'))).not.toEqual(glyphFor(code('l')));
  });

  it('has a box only for what it cannot draw', () => {
    expect(canDraw(code('中'))).toBe(false);
    expect(canDraw(code('ß'))).toBe(true);
    expect(glyphFor(code('中'))).toEqual(box);
    expect(cell(box)).toEqual([0x00, 0x7e, 0x42, 0x42, 0x42, 0x42, 0x7e, 0x00]);
  });
});

describe('toDrawableText', () => {
  it('keeps Latin script as written, accents included', () => {
    expect(toDrawableText('Crème brûlée à Kraków, Ångström, Nguyễn')).toBe(
      'Crème brûlée à Kraków, Ångström, Nguyễn',
    );
  });

  it('writes every other character as its code point, a word of its own', () => {
    expect(codePointLabel(0x4e00)).toBe('U+4E00');
    expect(codePointLabel(0x1f3b9)).toBe('U+1F3B9');
    expect(toDrawableText('一只老虎')).toBe('U+4E00 U+53EA U+8001 U+864E');
    expect(toDrawableText('tiger老虎cat')).toBe('tiger U+8001 U+864E cat');
    expect(toDrawableText('go 🎹!')).toBe('go U+1F3B9!');
    expect(toDrawableText('Привет')).toBe('U+041F U+0440 U+0438 U+0432 U+0435 U+0442');
  });

  it('maps compatibility forms and typographic or CJK punctuation to their ASCII look-alikes', () => {
    expect(toDrawableText('“quoted” it’s — ok… ＡＢＣ，ﬁne')).toBe('"quoted" it\'s - ok... ABC,fine');
    expect(toDrawableText('老虎。猫、狗')).toBe('U+8001 U+864E. U+732B, U+72D7');
    expect(toDrawableText('a\u3000b\u00a0c')).toBe('a b c');
  });

  it('drops what draws nothing, and spells flags with their letters', () => {
    // ZWJ family, a skin tone, a variation selector, a BOM, a bell, and a stray combining mark.
    expect(toDrawableText('👨\u200d👩 👍🏽 ☕\ufe0f \ufeffa\u0007b x\u0301')).toBe(
      'U+1F468 U+1F469 U+1F44D U+2615 ab x',
    );
    expect(toDrawableText('🇫🇷 Paris')).toBe('FR Paris');
  });

  it('composes decomposed input and keeps line breaks', () => {
    expect(toDrawableText('e\u0301t\u00e9\r\nok\tgo\r2')).toBe('été\nok go\n2');
  });

  it('only ever returns characters the raster has glyphs for', () => {
    const sample = 'Ωμέγα Ελλάδα 日本語のテキスト 한국어 עברית العربية हिन्दी ✓ ★ ♥ 🐯 ½ ™ ℃ ①';
    for (const ch of toDrawableText(sample)) {
      if (ch !== '\n') expect(canDraw(code(ch)), ch).toBe(true);
    }
  });
});

describe('drawing accented text', () => {
  it('paints the accents of a capital above the line and a cedilla below it', () => {
    const scale = 2;
    const r = new Raster(64, 48);
    r.drawText(toDrawableText('ÉÇ'), 0, 8, scale, 0xffffff);
    const inkInRows = (x0: number, x1: number, y0: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (r.get(x, y)) return true;
      return false;
    };
    const cellPx = GLYPH_SIZE * scale;
    expect(inkInRows(0, cellPx, 8 - ROWS_ABOVE * scale, 8)).toBe(true); // É's acute
    expect(inkInRows(cellPx, 2 * cellPx, 8 + cellPx, 8 + cellPx + 2 * scale)).toBe(true); // Ç's cedilla
    expect(inkInRows(0, cellPx, 8 + cellPx, 48)).toBe(false); // É has nothing below
  });
});

describe('glyph cache', () => {
  it('stays within the Latin ranges whatever text comes in', () => {
    // Every code point of the Basic Multilingual Plane and a slice of emoji: only Latin letters and the
    // extra symbols draw, so the cache cannot grow with the variety of a prompt's characters.
    let drawable = 0;
    for (let c = 0x80; c < 0x1_0000; c++) if (canDraw(c)) drawable++;
    for (let c = 0x1f300; c < 0x1f700; c++) expect(canDraw(c)).toBe(false);
    expect(drawable).toBeGreaterThan(400);
    expect(drawable).toBeLessThan(1000);
  });
});
