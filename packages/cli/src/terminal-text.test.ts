import { describe, expect, it } from 'vitest';
import { Output } from './output.js';
import { LINE_BREAK, neutralise, own, safeJson, visibleText } from './terminal-text.js';

/** What a hostile server might put in an id, a status or an error message. */
const ATTACKS = {
  title: '\u001b]0;pwned\u0007', // OSC: set the window title
  clear: '\u001b[2J\u001b[H', // CSI: clear the screen, cursor home
  c1Csi: '\u009b2J', // the same with the one-byte C1 CSI
  c1Osc: '\u009d0;pwned\u009c',
  fakeLine: 'oops\n✓ Saved tiger.mp4',
  carriage: 'queued\r✓ completed',
  bidi: 'video_\u202etxt.exe',
  separator: 'a\u2028b',
  bell: 'ding\u0007',
  nul: 'a\u0000b',
};

describe('neutralise', () => {
  it('leaves printable text alone, including non-Latin scripts and emoji', () => {
    const text = '一只凶猛的老虎 ✓ café — 🐯 "quoted" \\x1b stays literal';
    expect(neutralise(text)).toBe(text);
  });

  it('shows every control escaped: C0, ESC, DEL, C1, line separators and bidi overrides', () => {
    expect(neutralise(ATTACKS.title)).toBe('\\x1b]0;pwned\\x07');
    expect(neutralise(ATTACKS.clear)).toBe('\\x1b[2J\\x1b[H');
    expect(neutralise(ATTACKS.c1Csi)).toBe('\\u009b2J');
    expect(neutralise(ATTACKS.c1Osc)).toBe('\\u009d0;pwned\\u009c');
    expect(neutralise(ATTACKS.fakeLine)).toBe('oops\\n✓ Saved tiger.mp4');
    expect(neutralise(ATTACKS.carriage)).toBe('queued\\r✓ completed');
    expect(neutralise(ATTACKS.bidi)).toBe('video_\\u202etxt.exe');
    expect(neutralise(ATTACKS.separator)).toBe('a\\u2028b');
    expect(neutralise('tab\there\u007f')).toBe('tab\\there\\x7f');
    expect(neutralise(ATTACKS.nul)).toBe('a\\x00b');
    for (const attack of Object.values(ATTACKS)) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none is left
      expect(neutralise(attack)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    }
  });

  it('keeps the controls the CLI marked as its own, and only those', () => {
    const red = own('\u001b[31m');
    expect(neutralise(`${red}error:${own('\u001b[39m')} x`)).toBe('\u001b[31merror:\u001b[39m x');
    expect(neutralise(`one${LINE_BREAK}two`)).toBe('one\ntwo');
    // A server cannot forge the mark: it never sees the token; a guess is escaped like any ESC.
    expect(neutralise('\u001b0123456789abcdef\u001b[2J')).toBe('\\x1b0123456789abcdef\\x1b[2J');
    // Text from outside inside our own styling is still neutralised.
    expect(neutralise(`${red}${ATTACKS.title}${own('\u001b[39m')}`)).toBe(
      '\u001b[31m\\x1b]0;pwned\\x07\u001b[39m',
    );
  });

  it('is idempotent: neutralised text passes unchanged', () => {
    for (const attack of Object.values(ATTACKS)) {
      expect(neutralise(neutralise(attack))).toBe(neutralise(attack));
    }
  });
});

describe('visibleText', () => {
  it('drops our own sequences and shows foreign ones as they will appear', () => {
    expect(visibleText(`${own('\r\u001b[2K')}${own('\u001b[36m')}⠋${own('\u001b[39m')} x\u001b[2J`)).toBe(
      '⠋ x\\x1b[2J',
    );
  });
});

describe('safeJson', () => {
  it('is exact JSON: parsing gives back the hostile values byte for byte', () => {
    const value = { id: ATTACKS.title, status: ATTACKS.c1Csi, message: ATTACKS.fakeLine, p: ATTACKS.bidi };
    const line = safeJson(JSON.stringify(value));
    expect(JSON.parse(line)).toEqual(value);
    // Nothing a terminal acts on is left raw in the line itself.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none is left
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  });

  it('turns our marked line breaks back into plain ones', () => {
    const line = safeJson(JSON.stringify({ message: `a${LINE_BREAK}b` }));
    expect(JSON.parse(line)).toEqual({ message: 'a\nb' });
  });
});

describe('Output', () => {
  function capture() {
    const written: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const stream = (name: 'stdout' | 'stderr') =>
      ({
        isTTY: true,
        columns: 80,
        write: (s: string) => {
          written[name] += s;
          return true;
        },
      }) as unknown as NodeJS.WriteStream;
    return { written, streams: { stdout: stream('stdout'), stderr: stream('stderr') } };
  }

  it('every human-readable write is neutralised; its own colors still act', () => {
    const { written, streams } = capture();
    const out = new Output({ verbose: true }, streams, { TERM: 'xterm' });
    out.result(`id ${ATTACKS.title}`);
    out.info(`status ${ATTACKS.clear}`);
    out.error(`${out.style.red('error:')} ${ATTACKS.fakeLine}`);
    out.debug(ATTACKS.c1Csi);
    out.stderrRaw(ATTACKS.carriage);
    expect(written.stdout).toBe('id \\x1b]0;pwned\\x07\n');
    expect(written.stderr).toBe(
      'status \\x1b[2J\\x1b[H\n' +
        '\u001b[31merror:\u001b[39m oops\\n✓ Saved tiger.mp4\n' +
        '\u001b[2m\\u009b2J\u001b[22m\n' +
        'queued\\r✓ completed',
    );
  });

  it('--json: exact JSON, with the key still redacted', () => {
    const { written, streams } = capture();
    const out = new Output({ json: true }, streams, {});
    out.addSecret('sk-secret-123456');
    out.event({ id: ATTACKS.title, message: 'key sk-secret-123456' });
    expect(JSON.parse(written.stdout)).toEqual({ id: ATTACKS.title, message: 'key ***' });
  });
});
