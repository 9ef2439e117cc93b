/**
 * Multipart field names in bracket notation (`video[id]`) are decoded into objects. A name whose
 * segments reach a prototype (`__proto__[model]`, `constructor[prototype][size]`) must be refused by
 * name and must change nothing for later requests. Each attack runs against its own bin process, so a
 * polluted (or crashed) server cannot hide behind the test process, and vice versa.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BinProcess, ensureBuilt, runBin } from './test-support/bin-process.js';
import type { ErrorEnvelope } from './test-support/http.js';

beforeAll(() => ensureBuilt(), 120_000);

let running: BinProcess[] = [];
afterEach(() => {
  for (const bin of running) if (bin.child.exitCode === null) bin.child.kill('SIGKILL');
  running = [];
});

async function startBin(): Promise<string> {
  const bin = runBin(['--port', '0', '--quiet', '--job-seconds', '0']);
  running.push(bin);
  return (await bin.line(1)).replace('sora-emulator listening on ', '');
}

const auth = { authorization: 'Bearer sk-pollution' };

async function postForm(url: string, path: string, fields: [string, string][]) {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: auth, body });
  return { status: response.status, body: (await response.json()) as ErrorEnvelope };
}

async function createJson(url: string, json: unknown) {
  const response = await fetch(`${url}/v1/videos`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('multipart bracket names cannot reach a prototype', () => {
  it.each([
    ['__proto__[model]', 'sora-evil'],
    ['constructor[prototype][model]', 'sora-evil'],
    ['prompt[__proto__][model]', 'sora-evil'],
    ['input_reference[constructor][prototype][model]', 'sora-evil'],
  ])('refuses %s with a 400 naming it, and later creates keep the default model', async (name, value) => {
    const url = await startBin();
    const answer = await postForm(url, '/v1/videos', [
      ['prompt', 'p'],
      [name, value],
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe(name);
    expect(answer.body.error.code).toBe('invalid_field_name');
    expect(answer.body.error.message).toContain(name);

    const later = await createJson(url, { prompt: 'an innocent request' });
    expect(later.status).toBe(200);
    expect(later.body.model).toBe('sora-2');
  });

  it('cannot plant a 1792 size that escapes the sora-2-pro rule', async () => {
    const url = await startBin();
    const answer = await postForm(url, '/v1/videos', [
      ['prompt', 'p'],
      ['constructor[prototype][size]', '1792x1024'],
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe('constructor[prototype][size]');
    const later = await createJson(url, { prompt: 'default size please' });
    expect(later.status).toBe(200);
    expect(later.body.size).toBe('720x1280');
    expect(later.body.model).toBe('sora-2');
  });

  it('answers __proto__[signal] with a 400 and keeps serving (it used to crash the process)', async () => {
    const url = await startBin();
    const answer = await postForm(url, '/v1/videos', [
      ['prompt', 'p'],
      ['__proto__[signal]', 'x'],
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe('__proto__[signal]');
    for (const path of ['/v1/videos/extensions', '/v1/videos/edits', '/v1/videos/characters']) {
      const other = await postForm(url, path, [
        ['prompt', 'p'],
        ['name', 'n'],
        ['video[__proto__][signal]', 'x'],
      ]);
      expect(other.status, path).toBe(400);
      expect(other.body.error.param, path).toBe('video[__proto__][signal]');
    }
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    expect((await createJson(url, { prompt: 'still here' })).status).toBe(200);
  });

  it('leaves JSON keys named __proto__ as unknown arguments, polluting nothing', async () => {
    const url = await startBin();
    const attack = await fetch(`${url}/v1/videos`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"prompt":"p","__proto__":{"model":"sora-evil"}}',
    });
    expect(attack.status).toBe(400);
    expect(((await attack.json()) as ErrorEnvelope).error.param).toBe('__proto__');
    const later = await createJson(url, { prompt: 'p' });
    expect(later.body.model).toBe('sora-2');
  });
});
