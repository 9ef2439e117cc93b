import { describe, expect, it } from 'vitest';
import { Output } from '../output.js';
import { visibleLength } from './format.js';
import { TerminalProgress } from './terminal-progress.js';

/** An Output over fake terminal streams of a given width, and the clock the display reads. */
function setup(columns: number) {
  const written: string[] = [];
  const stream = {
    isTTY: true,
    columns,
    writableLength: 0,
    write: (s: string) => written.push(s),
  } as unknown as NodeJS.WriteStream;
  const out = new Output({ color: false }, { stdout: stream, stderr: stream }, { TERM: 'xterm' });
  let now = 0;
  const progress = new TerminalProgress(out, () => now);
  return { progress, written, tick: (ms: number) => (now += ms) };
}

describe('TerminalProgress', () => {
  it('shows status, bar, percent, elapsed, estimate and id on a wide terminal', () => {
    const { progress, tick } = setup(120);
    progress.job({ id: 'video_abc', status: 'queued', progress: 0 });
    tick(2000);
    progress.job({ id: 'video_abc', status: 'in_progress', progress: 40 });
    tick(1000);
    expect(progress.line()).toMatch(
      /^. in_progress {2}█{12}░{18} {3}40% {2}0:03 {2}~0:02 left {2}video_abc$/,
    );
    progress.stop();
  });

  it('drops the extras, then shrinks the bar, and never exceeds the width', () => {
    for (const columns of [200, 80, 60, 44, 30, 20, 10]) {
      const { progress } = setup(columns);
      progress.job({
        id: 'video_68f082321ed08193a4eaf01376fa10bc0284bd663de64dc5',
        status: 'in_progress',
        progress: 55,
      });
      const line = progress.line();
      expect(visibleLength(line)).toBeLessThanOrEqual(columns - 1);
      if (columns >= 44) expect(line).toMatch(/█+░+ +55%/);
      progress.stop();
    }
  });

  it('shows the download with bytes, rate and estimate', () => {
    const { progress, tick } = setup(100);
    progress.download(0, 10 * 1024 * 1024);
    tick(1000);
    progress.download(5 * 1024 * 1024, 10 * 1024 * 1024);
    expect(progress.line()).toMatch(
      /downloading {2}█+░+ {3}50% {2}5\.0 MiB\/10\.0 MiB {2}5\.0 MiB\/s {2}~0:01 left/,
    );
    progress.stop();
  });

  it('keeps the download bar in a narrow terminal, dropping the bytes first', () => {
    const { progress, tick } = setup(44);
    progress.download(0, 1.4 * 1024 * 1024);
    tick(400);
    progress.download(1.4 * 1024 * 1024, 1.4 * 1024 * 1024);
    const line = progress.line();
    expect(visibleLength(line)).toBeLessThanOrEqual(43);
    expect(line).toMatch(/^. downloading {2}█{8,30} +100%$/);
    progress.stop();
    // Without a total, the bytes are the progress, and stay.
    const unknown = setup(44);
    unknown.progress.download(3 * 1024 * 1024, undefined);
    expect(unknown.progress.line()).toMatch(/^. downloading {2}3\.0 MiB/);
    unknown.progress.stop();
  });

  it('clears its line and shows the cursor again when stopped', () => {
    const { progress, written } = setup(80);
    progress.job({ id: 'video_abc', status: 'queued', progress: 0 });
    progress.stop();
    expect(written[0]).toBe('\u001b[?25l');
    expect(written.at(-1)).toBe('\r\u001b[2K\u001b[?25h');
  });
});
