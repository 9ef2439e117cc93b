/**
 * No single request may crash or wedge the emulator. Property-based (fast-check): for every route,
 * generated JSON bodies, multipart field names and values (bracketed, prototype-named, files), raw
 * garbage, query strings, ids and headers; every answer must be a 2xx, or a 4xx with the OpenAI error
 * envelope (a 304 only to a conditional request), within a deadline; and the process, a real bin,
 * must still be answering afterwards and have logged no unexpected error.
 *
 * Bounded: a fixed seed per route (a failure prints it and its shrunk counterexample), at most
 * `RUNS` cases per route and at most `ROUTE_TIME_MS` (2.5 s) of them, so the file stays well under a minute.
 */
import { Agent, request } from 'node:http';
import { makeImage } from '@sora-kit/test-support/media';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from './faults.js';
import { type BinProcess, ensureBuilt, runBin } from './test-support/bin-process.js';

const RUNS = 300;
const ROUTE_TIME_MS = 2500;
const REQUEST_DEADLINE_MS = 10_000;

let bin: BinProcess;
let origin: URL;
// A fresh connection per request: a kept-alive socket closed by the server's idle timeout would make
// a reset that is no fault of the request being tested.
const agent = new Agent({ keepAlive: false, maxSockets: 4 });
/** Ids of real jobs (completed at once) and characters, mixed into the generated ids. */
const realVideoIds: string[] = [];
let realCharacterId = '';
let pngBytes = new Uint8Array();
const MP4_HEAD = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]);

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

interface RawAnswer {
  status: number;
  body: Buffer;
}

/** Sends the request as generated (node:http: no URL normalisation, no header rewriting). */
function send(raw: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...raw.headers };
    if (raw.body) headers['content-length'] = String(raw.body.byteLength);
    const req = request(
      { host: origin.hostname, port: origin.port, method: raw.method, path: raw.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_DEADLINE_MS, () =>
      req.destroy(new Error(`no answer in ${REQUEST_DEADLINE_MS} ms`)),
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

/** The property: a 2xx, a 304 to a conditional request, or a 4xx carrying the error envelope. */
async function answersWell(raw: RawRequest): Promise<void> {
  const answer = await send(raw);
  const shown = () => `${raw.method} ${raw.path} → ${answer.status} ${answer.body.toString().slice(0, 300)}`;
  if (answer.status >= 200 && answer.status < 300) return;
  if (answer.status === 304 && raw.headers['if-none-match'] !== undefined) return;
  if (answer.status < 400 || answer.status >= 500) throw new Error(`unexpected status: ${shown()}`);
  if (raw.method === 'HEAD') return;
  const envelope = JSON.parse(answer.body.toString()) as { error?: Record<string, unknown> };
  const error = envelope.error;
  if (
    typeof error?.message !== 'string' ||
    typeof error.type !== 'string' ||
    !('param' in error) ||
    !('code' in error)
  ) {
    throw new Error(`not an error envelope: ${shown()}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Generators

const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const pathChar = fc.constantFrom(...'abcxyz_019-.:~%ABC'.split(''));
const junkSegment = fc.string({ unit: pathChar, maxLength: 30 });

const idArb = fc.oneof(
  fc.constantFrom(...['0', '1', '2'].map(Number)).map((i) => realVideoIds[i] ?? ''),
  fc.constant(`video_${'a'.repeat(48)}`),
  fc.constant('char_x'),
  junkSegment,
  fc.string({ maxLength: 300 }).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '..', '.', '%2F', '__proto__', 'constructor', 'x'.repeat(300)),
);

const knownWords = fc.constantFrom(
  'sora-2',
  'sora-2-pro',
  '4',
  '8',
  '12',
  '5',
  '720x1280',
  '1280x720',
  '1792x1024',
  'a tiger',
  '[moderation-block]',
  'asc',
  'desc',
  'video',
  'thumbnail',
  'spritesheet',
  'data:image/png;base64,AAAA',
  'https://example.com/a.png',
  '',
);
const textValue = fc.oneof(
  knownWords,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const keyWord = fc.constantFrom(
  'prompt',
  'model',
  'seconds',
  'size',
  'input_reference',
  'video',
  'name',
  'id',
  'image_url',
  'file_id',
  '__proto__',
  'constructor',
  'prototype',
  'signal',
  'toString',
  'hasOwnProperty',
  '',
  '0',
);
const keyArb = fc.oneof(keyWord, fc.string({ maxLength: 12 }));

const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  knownWords,
  fc.record({ id: idArb }),
  fc.record({ image_url: textValue }),
  fc.record({ file_id: textValue }),
);
const jsonBody = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(keyArb, jsonValue, { maxKeys: 6 }),
    fc.record(
      {
        prompt: fc.oneof(textValue, jsonValue),
        model: fc.oneof(textValue, jsonValue),
        seconds: fc.oneof(textValue, jsonValue),
        size: fc.oneof(textValue, jsonValue),
        input_reference: jsonValue,
        video: jsonValue,
        name: textValue,
      },
      { requiredKeys: [] },
    ),
  )
  .map((value) => JSON.stringify(value) ?? 'null');

const fieldName = fc.oneof(
  fc
    .tuple(keyArb, fc.array(fc.oneof(keyWord, fc.string({ maxLength: 8 })), { maxLength: 3 }))
    .map(([head, rest]) => head + rest.map((segment) => `[${segment}]`).join('')),
  fc.string({ maxLength: 20 }),
);
const fileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constant('png').map(() => pngBytes),
  fc.constant(MP4_HEAD),
);
const formEntry = fc.tuple(
  fieldName,
  fc.oneof(textValue, fc.record({ bytes: fileBytes, filename: fc.string({ maxLength: 20 }) })),
);
const formBody = fc.array(formEntry, { maxLength: 8 });

/** A form as the bytes and Content-Type a client would send. */
async function encodeForm(entries: [string, string | { bytes: Uint8Array; filename: string }][]) {
  const form = new FormData();
  for (const [name, value] of entries) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value.bytes)]), value.filename);
  }
  const encoded = new Response(form);
  return {
    contentType: encoded.headers.get('content-type') ?? '',
    bytes: new Uint8Array(await encoded.arrayBuffer()),
  };
}

type Body =
  | { kind: 'json'; text: string }
  | { kind: 'form'; entries: [string, string | { bytes: Uint8Array; filename: string }][] }
  | { kind: 'raw'; contentType: string | undefined; bytes: Uint8Array };

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: jsonBody.map((text) => ({ kind: 'json' as const, text })) },
  { weight: 3, arbitrary: formBody.map((entries) => ({ kind: 'form' as const, entries })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      contentType: fc.option(
        fc.oneof(
          fc.constantFrom(
            'application/json',
            'multipart/form-data',
            'multipart/form-data; boundary=x',
            'text/plain',
            'application/json; charset=utf-16',
          ),
          headerText,
        ),
        { nil: undefined },
      ),
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
        fc.constant(
          new TextEncoder().encode('--x\r\nContent-Disposition: form-data; name="prompt"\r\n\r\np'),
        ),
      ),
    }),
  },
);

const invalidFaultHeader = headerText.filter(
  (text) => !(FAULT_KINDS as readonly string[]).includes(text.split(';')[0]?.trim() ?? ''),
);

const headersArb = fc.record(
  {
    authorization: fc.oneof(
      { weight: 8, arbitrary: fc.constant('Bearer sk-fuzz') },
      { weight: 1, arbitrary: headerText },
    ),
    'idempotency-key': headerText,
    range: fc.oneof(
      fc.constantFrom('bytes=0-9', 'bytes=5-', 'bytes=-5', 'bytes=99999999-', 'bytes=0-1,4-5'),
      headerText,
    ),
    'if-range': headerText,
    'if-none-match': fc.oneof(fc.constant('*'), headerText),
    'x-emulator-fault': invalidFaultHeader,
    accept: headerText,
  },
  { requiredKeys: ['authorization'] },
);

const queryArb = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('limit', 'after', 'order', 'variant', '__proto__'),
          fc.string({ maxLength: 8 }),
        ),
        fc.oneof(textValue, idArb, fc.integer({ min: -5, max: 200 }).map(String)),
      ),
      { maxLength: 4 },
    ),
    fc.oneof(fc.constant(''), fc.constantFrom('&%', '&%zz=%E0', '&limit=1&limit=2', '&&=&')),
  )
  .map(([pairs, junk]) => {
    const text = new URLSearchParams(pairs).toString() + junk;
    return text === '' ? '' : `?${text}`;
  });

/** A generated request: plain data (so that a counterexample prints readably), encoded when sent. */
interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Body;
}

async function encode({ method, path, headers, body }: Case): Promise<RawRequest> {
  const raw: RawRequest = { method, path, headers: { ...headers } };
  if (!body) return raw;
  if (body.kind === 'json') {
    raw.headers['content-type'] = 'application/json';
    raw.body = new TextEncoder().encode(body.text);
  } else if (body.kind === 'form') {
    const { contentType, bytes } = await encodeForm(body.entries);
    raw.headers['content-type'] = contentType;
    raw.body = bytes;
  } else {
    if (body.contentType !== undefined) raw.headers['content-type'] = body.contentType;
    raw.body = body.bytes;
  }
  return raw;
}

/** One route and the requests generated for it. */
interface Route {
  name: string;
  arbitrary: fc.Arbitrary<Case>;
}

const post = (path: (id: string) => string): fc.Arbitrary<Case> =>
  fc
    .tuple(idArb, queryArb, headersArb, bodyArb)
    .map(([id, query, headers, body]) => ({ method: 'POST', path: `${path(id)}${query}`, headers, body }));

const get = (path: (id: string) => string, methods = ['GET']): fc.Arbitrary<Case> =>
  fc
    .tuple(fc.constantFrom(...methods), idArb, queryArb, headersArb)
    .map(([method, id, query, headers]) => ({ method, path: `${path(id)}${query}`, headers }));

const routes: Route[] = [
  { name: 'POST /v1/videos', arbitrary: post(() => '/v1/videos') },
  { name: 'GET /v1/videos', arbitrary: get(() => '/v1/videos') },
  { name: 'GET /v1/videos/{id}', arbitrary: get((id) => `/v1/videos/${id}`) },
  { name: 'DELETE /v1/videos/{id}', arbitrary: get((id) => `/v1/videos/${id}`, ['DELETE']) },
  {
    name: 'GET|HEAD /v1/videos/{id}/content',
    arbitrary: get((id) => `/v1/videos/${id}/content`, ['GET', 'HEAD']),
  },
  { name: 'POST /v1/videos/{id}/remix', arbitrary: post((id) => `/v1/videos/${id}/remix`) },
  { name: 'POST /v1/videos/edits', arbitrary: post(() => '/v1/videos/edits') },
  { name: 'POST /v1/videos/extensions', arbitrary: post(() => '/v1/videos/extensions') },
  { name: 'POST /v1/videos/characters', arbitrary: post(() => '/v1/videos/characters') },
  {
    name: 'GET /v1/videos/characters/{id}',
    arbitrary: get((id) => `/v1/videos/characters/${id === 'char_x' ? realCharacterId : id}`),
  },
  { name: 'GET|HEAD /files/{token}', arbitrary: get((id) => `/files/${id}`, ['GET', 'HEAD']) },
  {
    name: 'unrouted paths and methods',
    arbitrary: fc
      .tuple(
        fc.constantFrom('GET', 'PUT', 'PATCH', 'OPTIONS', 'POST'),
        junkSegment,
        headersArb,
        fc.option(bodyArb, { nil: undefined }),
      )
      .map(([method, path, headers, body]) => ({ method, path: `/v1/${path}`, headers, body })),
  },
];

/** A seed per route, stable across runs (fast-check prints it with any counterexample). */
const seedOf = (name: string) => [...name].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) | 0, 7);

beforeAll(async () => {
  ensureBuilt();
  pngBytes = await makeImage('png', 720, 1280);
  bin = runBin(['--port', '0', '--job-seconds', '0']);
  origin = new URL((await bin.line(1)).replace('sora-emulator listening on ', ''));
  const headers = { authorization: 'Bearer sk-fuzz', 'content-type': 'application/json' };
  for (let i = 0; i < 3; i++) {
    const created = await fetch(`${origin.origin}/v1/videos`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt: `real ${i}`, size: '1280x720' }),
    });
    realVideoIds.push(((await created.json()) as { id: string }).id);
  }
  const character = new FormData();
  character.append('name', 'Whiskers');
  character.append('video', new Blob([MP4_HEAD]), 'cat.mp4');
  const made = await fetch(`${origin.origin}/v1/videos/characters`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-fuzz' },
    body: character,
  });
  realCharacterId = ((await made.json()) as { id: string }).id;
}, 120_000);

afterAll(() => {
  agent.destroy();
  if (bin?.child.exitCode === null) bin.child.kill('SIGKILL');
});

describe('no request crashes or wedges the emulator', () => {
  it.each(routes)('$name', async ({ name, arbitrary }) => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (generated) => answersWell(await encode(generated))),
      { seed: seedOf(name), numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(ROUTE_TIME_MS)] },
    );
    expect(bin.child.exitCode).toBeNull();
  });

  it('is still answering afterwards, and logged no unexpected error', async () => {
    expect(bin.child.exitCode).toBeNull();
    expect((await send({ method: 'GET', path: '/_emulator/health', headers: {} })).status).toBe(200);
    const created = await send({
      method: 'POST',
      path: '/v1/videos',
      headers: { authorization: 'Bearer sk-fuzz', 'content-type': 'application/json' },
      body: new TextEncoder().encode('{"prompt":"after the storm"}'),
    });
    expect(created.status).toBe(200);
    expect(bin.stderr()).not.toMatch(/unexpected error/);
  });
});
