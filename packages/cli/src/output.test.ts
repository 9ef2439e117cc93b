import { describe, expect, it } from 'vitest';
import { colorEnabled, Output } from './output.js';

function streams(tty: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const make = (into: string[]) =>
    ({
      isTTY: tty,
      columns: 80,
      writableLength: 0,
      write: (s: string) => into.push(s),
    }) as unknown as NodeJS.WriteStream;
  return { out, err, streams: { stdout: make(out), stderr: make(err) } };
}

describe('Output', () => {
  it('redacts registered secrets, also the parts of a key pasted with a line break', () => {
    const { err, streams: s } = streams(false);
    const output = new Output({}, s, {});
    output.addSecret('sk-secret-123456\nsecond-part-xyz');
    output.error('key sk-secret-123456 and second-part-xyz and sk-secret-123456\nsecond-part-xyz');
    expect(err.join('')).toBe('key *** and *** and ***\n');
  });

  it('--json: results and info are silent, events are JSON lines on stdout', () => {
    const { out, err, streams: s } = streams(false);
    const output = new Output({ json: true }, s, {});
    output.result('a path');
    output.info('a message');
    output.event({ type: 'created', id: 'video_1' });
    output.error('an error');
    expect(out).toEqual(['{"type":"created","id":"video_1"}\n']);
    expect(err).toEqual(['an error\n']);
  });

  it('resultOnce: a result a person already read on stderr is not repeated on a terminal', () => {
    const tty = streams(true);
    new Output({}, tty.streams, {}).resultOnce('tiger.mp4');
    expect(tty.out).toEqual([]);
    const pipe = streams(false);
    new Output({}, pipe.streams, {}).resultOnce('tiger.mp4');
    expect(pipe.out).toEqual(['tiger.mp4\n']);
    const quiet = streams(true);
    new Output({ quiet: true }, quiet.streams, {}).resultOnce('tiger.mp4');
    expect(quiet.out).toEqual(['tiger.mp4\n']);
  });

  it('colors only on a terminal, without NO_COLOR, --no-color or TERM=dumb', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    expect(colorEnabled({}, tty, {})).toBe(true);
    expect(colorEnabled({}, tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({}, tty, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ color: false }, tty, {})).toBe(false);
    expect(colorEnabled({}, tty, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({}, { isTTY: false } as NodeJS.WriteStream, {})).toBe(false);
  });
});
