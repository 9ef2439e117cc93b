import { describe, expect, it } from 'vitest';
import { own } from '../terminal-text.js';
import {
  estimateRemainingMs,
  formatBytes,
  formatDuration,
  formatPercent,
  renderBar,
  visibleLength,
} from './format.js';

describe('format', () => {
  it('durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(754_000)).toBe('12:34');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.3 * 1024 * 1024)).toBe('1.3 MiB');
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB');
  });

  it('bars and percents', () => {
    expect(renderBar(0.5, 10)).toBe('█████░░░░░');
    expect(renderBar(2, 4)).toBe('████');
    expect(renderBar(Number.NaN, 3)).toBe('░░░');
    expect(renderBar(0.5, -3)).toBe('');
    expect(formatPercent(7.9)).toBe('  7%');
    expect(formatPercent(100)).toBe('100%');
  });

  it('measures text without our own escapes, one column per code point; foreign ones as shown', () => {
    expect(visibleLength(`${own('\u001b[36m')}abc${own('\u001b[39m')}`)).toBe(3);
    // An escape from a server is shown as the six characters `\x1b[2J`.
    expect(visibleLength('\u001b[2J')).toBe(7);
    expect(visibleLength('⠋ █░')).toBe(4);
  });

  it('estimates the time left from the rate so far', () => {
    expect(estimateRemainingMs({ value: 0, at: 0 }, { value: 0, at: 1000 }, 100, 1000)).toBeUndefined();
    // 50 % in 10 s: 10 s more, minus the 2 s since that sample.
    expect(estimateRemainingMs({ value: 0, at: 0 }, { value: 50, at: 10_000 }, 100, 12_000)).toBe(8_000);
    expect(estimateRemainingMs({ value: 0, at: 0 }, { value: 50, at: 10_000 }, 100, 30_000)).toBe(0);
  });
});
