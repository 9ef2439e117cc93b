/**
 * Text that reaches a terminal (or a log a terminal will show later) cannot carry control characters
 * that someone else chose. Ids, statuses, prompts and error messages come from a server or a jobs file;
 * raw, an ESC or a C1 control in them could set the window title (OSC), clear the screen or move the
 * cursor (CSI), and a line break could print a fake "✓ Saved" line. {@link neutralise} is the one function
 * that makes such text harmless, and `Output` passes every human-readable write through it.
 *
 * The CLI's own control sequences (colors, the progress line's redraw, a line break inside one of its
 * messages) must survive that pass, so they are written marked: {@link own} puts ESC plus a random token,
 * made when the process starts, before each of their control characters. No server or file can know the
 * token, so no text from outside can pass for ours; `neutralise` turns a marked control back into the
 * control itself and shows every other one escaped (`\x1b`, `\n`, `\u009b`, `\u202e`).
 */
import { randomBytes } from 'node:crypto';

const TOKEN = randomBytes(8).toString('hex');
const MARK = `\x1b${TOKEN}`;

/**
 * C0 controls (ESC, BEL, CR, LF, TAB, …), DEL, C1 controls (CSI `\u009b`, OSC `\u009d`, NEL `\u0085`, …),
 * the Unicode line and paragraph separators, and the bidirectional overrides and isolates that can make
 * a line read differently from what it holds.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_OR_OURS = new RegExp(`${MARK}([\\s\\S])|${UNSAFE.source}`, 'g');
const ANY_CONTROL = new RegExp(UNSAFE.source, 'g');
// Our own sequences as the terminal takes them: a CSI (colors, clear line, cursor) or a single control.
const OWN_SEQUENCE = new RegExp(`${MARK}\\x1b\\[[0-9;?]*[A-Za-z]|${MARK}[\\s\\S]`, 'g');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How an unsafe character is shown: `\n`, `\x1b`, `\u009b`, `\u202e`. */
function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x80
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character shown escaped, except those {@link own} marked, which are kept as
 * controls. The result of text from outside is one line of printable characters.
 */
export function neutralise(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_OR_OURS, (match, mine: string | undefined) => mine ?? escapeChar(match));
}

/** Marks the control characters of `sequence` (a color, a redraw, a line break) as the CLI's own. */
export function own(sequence: string): string {
  return sequence.replace(ANY_CONTROL, (char) => MARK + char);
}

/** A line break inside one of the CLI's own messages (a list of problems, a hint of several lines). */
export const LINE_BREAK = own('\n');

/** What the terminal shows of `text`: our own sequences take no room, anything else is shown escaped. */
export function visibleText(text: string): string {
  return neutralise(text.replace(OWN_SEQUENCE, ''));
}

/**
 * A JSON line for `--json`: exact JSON (parsing it gives the same values), in which our marks are
 * dropped (a message's line break is a plain `\n` again) and the characters JSON may leave raw but a
 * terminal could act on (DEL, C1, bidirectional overrides, line separators) are `\u` escapes.
 */
export function safeJson(json: string): string {
  const unmarked = json.includes(TOKEN) ? json.replaceAll(`\\u001b${TOKEN}`, '') : json;
  return unmarked.replace(ANY_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
