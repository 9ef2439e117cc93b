/**
 * Turns the free text of a prompt into what the raster can draw, keeping it readable:
 *
 * - Latin script is drawn as written, accents included (glyphs.ts composes them).
 * - Compatibility forms become their plain letters (NFKC: fullwidth ＡＢＣ and ，！, ligatures, the
 *   ideographic space), typographic punctuation its ASCII look-alike ('' "" - ...), and CJK
 *   punctuation likewise (。→ .).
 * - Every other character (CJK ideographs, kana, Hangul, Cyrillic, emoji...) is drawn as its Unicode
 *   code point, `U+4E00`, a word of its own. Why not glyphs: a CJK bitmap font is 0.5-1 MB of data
 *   under a font licence, for a test double whose picture only has to show which prompt it rendered;
 *   and why not a transliteration: a Han character has no single reading (Mandarin, Japanese and Korean
 *   differ) and a reading table is as large as the font. A code point is exact, one table-free rule,
 *   and a reader can look it up; text in Latin script, the common case, stays fully readable.
 * - Invisible characters (joiners, variation selectors, skin-tone modifiers, controls, marks that did not
 *   combine with a letter) are dropped; a flag's regional indicators become its two letters.
 */
import { canDraw } from './glyphs.js';

/** Punctuation that NFKC leaves alone, by code point, and the ASCII drawn for it. */
const LOOK_ALIKES: ReadonlyMap<number, string> = new Map([
  ...[0x2018, 0x2019, 0x201a, 0x201b, 0x2032].map((c) => [c, "'"] as const),
  ...[0x201c, 0x201d, 0x201e, 0x2033, 0xab, 0xbb, 0x300c, 0x300d, 0x300e, 0x300f].map(
    (c) => [c, '"'] as const,
  ),
  ...[0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212].map((c) => [c, '-'] as const),
  [0x2022, '*'],
  [0xb7, '.'],
  [0x30fb, '.'],
  [0x3002, '. '],
  [0x3001, ', '],
  [0x3010, '['],
  [0x3011, ']'],
  [0x300a, '<'],
  [0x300b, '>'],
  [0xd7, 'x'],
  [0xf7, '/'],
  [0x2044, '/'],
  [0x2028, '\n'],
  [0x2029, '\n'],
]);

/** Characters that draw nothing: controls, format characters (ZWJ, ZWSP, BOM), marks, emoji modifiers. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{M}\p{Emoji_Modifier}]$/u;

const REGIONAL_A = 0x1f1e6;

/** `U+4E00`, `U+1F3B9`: at least four hex digits, as Unicode writes them. */
export function codePointLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Rewrites `text` into characters the raster draws (see the module comment). Line breaks are kept
 * (CR, CRLF and the Unicode separators become '\n') and tabs become a space. A code point is
 * separated from its neighbours by a space, except from the punctuation that follows it.
 */
export function toDrawableText(text: string): string {
  let out = '';
  // After a code point, the next word needs a space before it, but punctuation stays attached.
  let afterCodePoint = false;
  const add = (s: string) => {
    if (afterCodePoint && !/^[\s.,;:!?)\]}"'>]/.test(s)) out += ' ';
    out += s;
    afterCodePoint = false;
  };
  for (const ch of text.replace(/\r\n?/g, '\n').normalize('NFKC')) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || (code >= 0x20 && code <= 0x7e)) add(ch);
    else if (ch === '\t') add(' ');
    else if (LOOK_ALIKES.has(code)) add(LOOK_ALIKES.get(code) ?? '');
    else if (code >= REGIONAL_A && code < REGIONAL_A + 26) add(String.fromCharCode(0x41 + code - REGIONAL_A));
    else if (INVISIBLE.test(ch)) continue;
    else if (canDraw(code)) add(ch);
    else {
      out += `${out === '' || /\s$/.test(out) ? '' : ' '}${codePointLabel(code)}`;
      afterCodePoint = true;
    }
  }
  return out;
}
