import { ValidationError } from '@sora-kit/core';
import { describe, expect, it } from 'vitest';
import { jobIdOf } from './job-id.js';
import { checkJobLine, checkOutputName } from './job-line.js';

describe('jobIdOf', () => {
  it('is the same for the same line whatever its key order, and differs for another line', () => {
    const a = jobIdOf({ params: { prompt: 'a tiger', seconds: '8' }, output: 'a.mp4' });
    const b = jobIdOf({ output: 'a.mp4', params: { seconds: '8', prompt: 'a tiger' } });
    expect(a).toBe(b);
    expect(a).toMatch(/^sv-[0-9a-f]{40}$/);
    expect(jobIdOf({ params: { prompt: 'a tiger', seconds: '8' }, output: 'b.mp4' })).not.toBe(a);
    expect(jobIdOf({ params: { prompt: 'a tiger', seconds: '4' }, output: 'a.mp4' })).not.toBe(a);
  });
});

describe('checkJobLine', () => {
  it('refuses bad parameters naming the field and what is allowed, before anything is queued', () => {
    expect(() => checkJobLine({ params: { prompt: 'x', seconds: '5' as '4' } })).toThrow(
      /'seconds'.*'5'.*Allowed: '4', '8', '12'/,
    );
    expect(() => checkJobLine({ params: { prompt: '' } })).toThrow(ValidationError);
    expect(() => checkJobLine({ params: { prompt: 'x', colour: 'red' } as never })).toThrow(/'colour'/);
    expect(() =>
      checkJobLine({ params: { prompt: 'x', input_reference: new Blob(['x']) as never } }),
    ).toThrow(/input_reference/);
  });

  it('keeps only the known fields, and a clean output name', () => {
    expect(checkJobLine({ params: { prompt: 'p', size: '1280x720' }, output: 'a/./b.mp4' })).toEqual({
      params: { prompt: 'p', size: '1280x720' },
      output: 'a/b.mp4',
    });
  });
});

describe('checkOutputName', () => {
  it.each([
    '',
    ' ',
    '.',
    '..',
    '../x.mp4',
    'a/../../x.mp4',
    '/etc/passwd',
    'a\0b',
    'dir/',
    `${'x'.repeat(256)}.mp4`,
  ])('refuses %j', (name) => {
    expect(() => checkOutputName(name)).toThrow(/'output'/);
  });
  it('accepts names inside the folder', () => {
    expect(checkOutputName('videos/tiger.mp4')).toBe('videos/tiger.mp4');
  });
});
