import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ValidationError } from '@sora-kit/core';
import { describe, expect, it } from 'vitest';
import { checkOutputName, MAX_OUTPUT_NAME_BYTES } from './output-name.js';

describe('checkOutputName', () => {
  it.each([
    [42, /'output': number: it is not a string/],
    ['\t', /it is empty/],
    ['a\nb.mp4', /control character/],
    ['a\u001b[2Jb.mp4', /control character/],
    ['a\u0085b.mp4', /control character/],
    ['C:/videos/a.mp4', /absolute path/],
    ['c:a.mp4', /absolute path/],
    ['a/../../x.mp4', /leads out of the output folder/],
    ['sub/..', /names a folder/],
    ['sub\\', /names a folder/],
    ['.hidden.mp4', /kept for the temporary files/],
    ['sub/.a.mp4.0123abcd.part', /kept for the temporary files/],
    [`${'é'.repeat(119)}.mp4`, /file name is 242 bytes/],
    [`${'d'.repeat(256)}/a.mp4`, /folder name in it is longer than 255 bytes/],
  ])('refuses %j, saying why', (name, why) => {
    let error: unknown;
    try {
      checkOutputName(name);
    } catch (caught) {
      error = caught;
    }
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).field).toBe('output');
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toMatch(/Allowed: a file name inside the output folder\.$/);
  });

  it('accepts a file name of exactly the longest length, and folders of 255 bytes', () => {
    const longest = `${'n'.repeat(MAX_OUTPUT_NAME_BYTES - 4)}.mp4`;
    expect(checkOutputName(longest)).toBe(longest);
    expect(checkOutputName(`${'d'.repeat(255)}/a.mp4`)).toBe(`${'d'.repeat(255)}/a.mp4`);
    expect(checkOutputName('a//./b.mp4')).toBe('a/b.mp4');
  });

  it("names the caller's folder, and refuses its reserved names whatever their case", () => {
    const options = { folder: '--out-dir', reserved: new Map([['manifest.jsonl', 'the batch manifest']]) };
    expect(() => checkOutputName('../a.mp4', options)).toThrow(
      "Invalid value for 'output': '../a.mp4': it leads out of --out-dir. Allowed: a file name inside --out-dir.",
    );
    expect(() => checkOutputName('Manifest.JSONL', options)).toThrow(
      /'Manifest\.JSONL': it is the batch manifest of --out-dir/,
    );
    expect(checkOutputName('sub/manifest.jsonl', options)).toBe('sub/manifest.jsonl');
    expect(checkOutputName('manifest.jsonl')).toBe('manifest.jsonl');
  });
});

describe('the @sora-kit/queue/output-name entry', () => {
  it('checks names without loading BullMQ or ioredis (which take a few hundred ms to load)', async () => {
    // A child process that records every module it resolves, then imports the entry as a user would.
    const hooks = `export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      process.stderr.write(resolved.url + '\\n');
      return resolved;
    }`;
    const main = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const { checkOutputName } = await import('@sora-kit/queue/output-name');
      console.log(checkOutputName('a//b.mp4'));`;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', main],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    expect(stdout.trim()).toBe('a/b.mp4');
    expect(stderr).toMatch(/queue\/dist\/output-name\.js/);
    expect(stderr).not.toMatch(/bullmq|ioredis/);
  });
});
