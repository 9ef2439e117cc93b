/**
 * Fault injection: every kind, scheduled (in code and over HTTP) and per request (header), with its
 * matching rules; and the faults given as options at start-up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Video, VideoList } from './generated/openapi.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { call, createVideo, type ErrorEnvelope, TEST_KEY, waitForStatus } from './test-support/http.js';

let emulator: RunningEmulator;
let completedId: string;
beforeAll(async () => {
  emulator = await startEmulator({ jobSeconds: 0.2 });
  completedId = (await createVideo(emulator.url)).id;
  await waitForStatus(emulator.url, completedId, 'completed');
});
afterEach(() => emulator.faults.clear());
afterAll(() => emulator.close());

const auth = { authorization: `Bearer ${TEST_KEY}` };
const withFault = (fault: string) => ({ ...auth, 'x-emulator-fault': fault });

describe('rate-limit', () => {
  it('answers 429 with Retry-After and a rate_limit_error envelope, then is used up', async () => {
    emulator.faults.add({ kind: 'rate-limit', retryAfterSeconds: 3 });
    const limited = await call<ErrorEnvelope>(emulator.url, '/v1/videos', {
      method: 'POST',
      json: { prompt: 'p' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('retry-after-ms')).toBeNull();
    expect(limited.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(limited.body.error.message).toMatch(/retry after 3 seconds/);
    // A rate-limited create made no job; the next request goes through.
    const next = await call<Video>(emulator.url, '/v1/videos', { method: 'POST', json: { prompt: 'p' } });
    expect(next.status).toBe(200);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('applies to the next `times` matching requests only (method and path with *)', async () => {
    emulator.faults.add({ kind: 'rate-limit', times: 2, method: 'get', path: '/v1/videos/*' });
    expect(emulator.faults.list()).toEqual([expect.objectContaining({ times: 2, method: 'GET' })]);
    expect((await call(emulator.url, '/v1/videos')).status).toBe(200);
    expect((await call(emulator.url, '/v1/videos', { method: 'POST', json: { prompt: 'p' } })).status).toBe(
      200,
    );
    expect((await call(emulator.url, `/v1/videos/${completedId}`)).status).toBe(429);
    expect((await call(emulator.url, `/v1/videos/${completedId}/content`, { method: 'HEAD' })).status).toBe(
      200,
    );
    expect((await call(emulator.url, `/v1/videos/${completedId}`)).status).toBe(429);
    expect((await call(emulator.url, `/v1/videos/${completedId}`)).status).toBe(200);
  });

  it('works per request through the header, with retry-after-ms and x-should-retry', async () => {
    const answer = await call(emulator.url, '/v1/videos', {
      headers: withFault('rate-limit; retry-after=2; retry-after-ms=1500; should-retry=false'),
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(answer.headers.get('retry-after-ms')).toBe('1500');
    expect(answer.headers.get('x-should-retry')).toBe('false');
    expect((await call(emulator.url, '/v1/videos')).status).toBe(200);
  });
});

describe('server-error', () => {
  it('answers 500 by default and the asked 5xx otherwise, with a server_error envelope', async () => {
    emulator.faults.add({ kind: 'server-error' });
    const plain = await call<ErrorEnvelope>(emulator.url, '/v1/videos');
    expect(plain.status).toBe(500);
    expect(plain.body.error.type).toBe('server_error');
    for (const status of [502, 503, 504]) {
      const answer = await call<ErrorEnvelope>(emulator.url, '/v1/videos', {
        headers: withFault(`server-error;status=${status};should-retry=true`),
      });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('x-should-retry')).toBe('true');
      expect(answer.body.error.type).toBe('server_error');
    }
  });

  it('refuses a status that is not 5xx, an unknown kind and an unknown key', async () => {
    for (const fault of ['server-error;status=404', 'explode', 'latency;speed=3', 'latency;ms']) {
      const answer = await call<ErrorEnvelope>(emulator.url, '/v1/videos', { headers: withFault(fault) });
      expect(answer.status, fault).toBe(400);
      expect(answer.body.error.param).toBe('x-emulator-fault');
    }
    expect(() => emulator.faults.add({ kind: 'cut', times: 0 })).toThrow(/times/);
  });
});

describe('latency', () => {
  it('delays the answer by the asked time, then answers normally', async () => {
    emulator.faults.add({ kind: 'latency', latencyMs: 250, path: '/v1/videos' });
    const started = performance.now();
    expect((await call(emulator.url, '/v1/videos')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    const header = performance.now();
    expect((await call(emulator.url, '/v1/videos', { headers: withFault('latency;ms=150') })).status).toBe(
      200,
    );
    expect(performance.now() - header).toBeGreaterThanOrEqual(140);
    const log = emulator.requests().slice(-2);
    expect(log.map((e) => e.fault)).toEqual(['latency', 'latency']);
    expect(log[0]?.durationMs).toBeGreaterThanOrEqual(240);
  });
});

describe('cut', () => {
  it('sends the headers of a JSON answer, then drops the connection', async () => {
    emulator.faults.add({ kind: 'cut', path: `/v1/videos/${completedId}` });
    const response = await fetch(`${emulator.url}/v1/videos/${completedId}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-emulator-cut-after-bytes')).toBeNull();
    await expect(response.text()).rejects.toThrow();
    expect((await call(emulator.url, `/v1/videos/${completedId}`)).status).toBe(200);
  });

  it('cuts a download mid-body: fewer bytes arrive than Content-Length announced', async () => {
    const url = `${emulator.url}/v1/videos/${completedId}/content`;
    const whole = (await (await fetch(url, { headers: auth })).arrayBuffer()).byteLength;
    for (const [fault, expected] of [
      ['cut', Math.floor(whole / 2)],
      ['cut;after-bytes=1000', 1000],
    ] as const) {
      const response = await fetch(url, { headers: withFault(fault) });
      expect(response.status).toBe(200);
      expect(Number(response.headers.get('content-length'))).toBe(whole);
      const reader = response.body?.getReader();
      let received = 0;
      const error = await (async () => {
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) return undefined;
          received += chunk.value.length;
        }
      })().catch((e: unknown) => e);
      expect(error, fault).toBeInstanceOf(Error);
      expect(received, fault).toBe(expected);
    }
    expect(
      emulator
        .requests()
        .slice(-2)
        .map((e) => e.fault),
    ).toEqual(['cut', 'cut']);
  });
});

describe('gateway-status', () => {
  it('spells statuses the way gateways do, for one request', async () => {
    const video = await createVideo(emulator.url);
    const queued = await call<Video>(emulator.url, `/v1/videos/${video.id}`, {
      headers: withFault('gateway-status'),
    });
    // NOT_START while queued; a loaded machine may already be rendering it (processing) by then.
    expect(['NOT_START', 'processing']).toContain(queued.body.status as string);
    const done = await waitForStatus(emulator.url, video.id, 'completed');
    expect(done.status).toBe('completed');
    const upper = await call<Video>(emulator.url, `/v1/videos/${video.id}`, {
      headers: withFault('gateway-status'),
    });
    expect(upper.body.status as string).toBe('COMPLETED');
    emulator.faults.add({ kind: 'gateway-status', method: 'GET', path: '/v1/videos' });
    const list = await call<VideoList>(emulator.url, '/v1/videos?limit=100');
    expect(new Set(list.body.data.map((v) => v.status as string))).toEqual(new Set(['COMPLETED']));
  });
});

describe('faults over HTTP (/_emulator/faults), without a key', () => {
  it('adds one or several faults, lists them, and clears them', async () => {
    const post = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { kind: 'server-error', status: 503, times: 2, path: '/v1/videos' },
        { kind: 'latency', latencyMs: 10 },
      ]),
    });
    expect(post.status).toBe(200);
    const listed = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()) as { data: unknown[] };
    expect(listed.data).toEqual([
      { kind: 'server-error', status: 503, times: 2, path: '/v1/videos' },
      { kind: 'latency', latencyMs: 10, times: 1 },
    ]);
    expect((await call(emulator.url, '/v1/videos')).status).toBe(503);
    expect((await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(emulator.url, '/v1/videos')).status).toBe(200);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('refuses a malformed fault with a 400 envelope, adding none of the batch', async () => {
    const answer = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ kind: 'latency' }, { kind: 'rate-limit', retryAfterSeconds: 'soon' }]),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as ErrorEnvelope).error.message).toMatch(/retryAfterSeconds/);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('never faults the emulator endpoints themselves', async () => {
    emulator.faults.add({ kind: 'server-error', times: 5 });
    emulator.clearRequests();
    const health = await fetch(`${emulator.url}/_emulator/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^req_/);
    expect((await fetch(`${emulator.url}/_emulator/requests`)).status).toBe(200);
    expect(emulator.faults.list()[0]?.times).toBe(5);
    expect(emulator.requests()).toEqual([]);
  });
});

describe('faults from the start-up options', () => {
  it('adds latency to every request, reports gateway names, and schedules faults', async () => {
    const faulty = await startEmulator({
      jobSeconds: 2,
      faults: {
        latencyMs: 60,
        gatewayStatusNames: true,
        scheduled: [{ kind: 'rate-limit', times: 1, method: 'POST', path: '/v1/videos' }],
      },
    });
    try {
      expect((await call(faulty.url, '/v1/videos', { method: 'POST', json: { prompt: 'p' } })).status).toBe(
        429,
      );
      const started = performance.now();
      const created = await call<Video>(faulty.url, '/v1/videos', { method: 'POST', json: { prompt: 'p' } });
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
      expect(created.body.status as string).toBe('NOT_START');
      // Jobs of 2 s are queued for their first 0.3 s.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const running = await call<Video>(faulty.url, `/v1/videos/${created.body.id}`);
      expect(running.body.status as string).toBe('processing');
    } finally {
      await faulty.close();
    }
  });
});
