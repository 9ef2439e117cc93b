/**
 * The spec is usable by third-party OpenAPI tools, not only by this project: Stoplight Prism's mock
 * server (`prism mock spec/openapi.yaml`, a real child process on a free port) validates real requests
 * against it. Real uploads (a PNG first frame, MP4 sources) and the official SDKs' bracketed form fields
 * must pass; requests that break the spec must not. A `style: deepObject` on file parts, for example,
 * makes Prism refuse every binary upload ("Reserved characters used in request body").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeImage } from '@sora-kit/test-support/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVideo } from './media/index.js';

const specPath = join(dirname(fileURLToPath(import.meta.url)), '../../../spec/openapi.yaml');
const prismBin = join(
  dirname(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json')),
  'dist/index.js',
);

let prism: ChildProcess;
let baseUrl: string;

/** Starts `prism mock` on port 0 and answers the URL it says it listens on. */
function startPrism(): Promise<string> {
  prism = spawn(process.execPath, [prismBin, 'mock', '--host', '127.0.0.1', '--port', '0', specPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening?.[1]) resolve(listening[1]);
    };
    prism.stdout?.on('data', onData);
    prism.stderr?.on('data', onData);
    prism.once('error', reject);
    prism.once('exit', (code) => reject(new Error(`prism exited (${code}) before listening:\n${output}`)));
  });
}

beforeAll(async () => {
  baseUrl = await startPrism();
}, 120_000);

afterAll(async () => {
  if (!prism || prism.exitCode !== null) return;
  const exited = new Promise((resolve) => prism.once('exit', resolve));
  prism.kill('SIGTERM');
  await exited;
});

function form(fields: Record<string, string | Blob | [Blob, string]>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) body.append(name, value[0], value[1]);
    else body.append(name, value);
  }
  return body;
}

/** A request to the mock: its status and Prism's `sl-violations` header (what it found wrong). */
async function send(method: string, path: string, body?: FormData | object) {
  const json = body !== undefined && !(body instanceof FormData);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: 'Bearer sk-test', ...(json && { 'content-type': 'application/json' }) },
    body: json ? JSON.stringify(body) : (body as FormData | undefined),
  });
  await response.arrayBuffer();
  return { status: response.status, violations: response.headers.get('sl-violations') };
}

const accepted = (answer: { status: number; violations: string | null }) => {
  expect(answer.violations).toBeNull();
  expect(answer.status).toBeGreaterThanOrEqual(200);
  expect(answer.status).toBeLessThan(300);
};

describe('Prism mock of spec/openapi.yaml', () => {
  const videoId = 'video_68f082321ed08193a4eaf01376fa10bc0284bd663de64dc5';

  it('accepts real uploads: a PNG first frame, MP4 sources for edits and extensions', async () => {
    const png = new Blob([await makeImage('png', 720, 1280)], { type: 'image/png' });
    const mp4 = new Blob([renderVideo({ width: 320, height: 240, seconds: 1, label: 'source' })], {
      type: 'video/mp4',
    });
    accepted(await send('POST', '/v1/videos', form({ prompt: 'a cat', input_reference: [png, 'cat.png'] })));
    // The official SDK's `toFile` without a type sends application/octet-stream parts.
    const untyped = new Blob([await png.arrayBuffer()]);
    accepted(
      await send('POST', '/v1/videos', form({ prompt: 'a cat', input_reference: [untyped, 'cat.png'] })),
    );
    accepted(await send('POST', '/v1/videos/edits', form({ prompt: 'sepia', video: [mp4, 'in.mp4'] })));
    accepted(
      await send(
        'POST',
        '/v1/videos/extensions',
        form({ prompt: 'on', seconds: '8', video: [mp4, 'in.mp4'] }),
      ),
    );
  }, 60_000);

  it("accepts the official SDKs' bracketed fields, multipart remixes and limit=0", async () => {
    accepted(
      await send(
        'POST',
        '/v1/videos',
        form({ prompt: 'a cat', 'input_reference[image_url]': 'https://example.com/cat.png' }),
      ),
    );
    accepted(await send('POST', '/v1/videos/edits', form({ prompt: 'sepia', 'video[id]': videoId })));
    accepted(
      await send('POST', '/v1/videos/extensions', form({ prompt: 'on', seconds: '4', 'video[id]': videoId })),
    );
    accepted(await send('POST', `/v1/videos/${videoId}/remix`, form({ prompt: 'at night' })));
    accepted(await send('POST', `/v1/videos/${videoId}/remix`, { prompt: 'at night' }));
    accepted(await send('GET', '/v1/videos?limit=0'));
  }, 60_000);

  it('rejects requests that break the spec', async () => {
    const refused = async (answer: Promise<{ status: number; violations: string | null }>, what: RegExp) => {
      const { status, violations } = await answer;
      expect(status).toBe(400);
      expect(violations).toMatch(what);
    };
    await refused(send('POST', '/v1/videos', form({ prompt: 'a cat', seconds: '5' })), /seconds/);
    await refused(send('POST', '/v1/videos', { prompt: 'a cat', seconds: 8 }), /seconds/);
    await refused(
      send('POST', '/v1/videos/extensions', form({ prompt: 'on', 'video[id]': videoId })),
      /seconds/,
    );
    await refused(send('POST', '/v1/videos/edits', form({ prompt: 'sepia' })), /video/);
    await refused(send('POST', '/v1/videos/edits', form({ prompt: 'sepia', 'video[name]': 'x' })), /video/);
    await refused(send('GET', '/v1/videos?limit=101'), /limit/);
  }, 60_000);
});
