// Accounting that cannot be gamed: each case is an attack on the policy that an earlier handler let
// through (ownership and spending were one record, a create followed the browser's abort, characters were
// free). The API is the emulator on loopback, behind a gate that can hold or cut a create.
import { createServer } from 'node:http';
import { createSoraClient } from '@sora-kit/core';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSoraHandler, type SoraHandlerOptions } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';
import { type Gate, startGate } from './gate.js';
import { closeServer, cookieAuth, emulator, KEY, listen } from './support.js';

let emu: RunningEmulator;
let gate: Gate;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  emu = await emulator({ jobSeconds: 120 });
  gate = await startGate(emu.url);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await gate.close();
  await emu.close();
});

/** The handler on a free port, in front of the gate; `aborted()` resolves when a request's signal aborts. */
async function app(options: Partial<SoraHandlerOptions>) {
  const handler = createSoraHandler({ apiKey: KEY, authorize: cookieAuth, baseUrl: gate.url, ...options });
  let onAbort = () => {};
  const server = createServer(
    toNodeListener((request) => {
      request.signal.addEventListener('abort', () => onAbort(), { once: true });
      return handler(request);
    }),
  );
  const url = await listen(server);
  closers.push(() => closeServer(server));
  const as = (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${url}/api/sora${path}`, {
      ...init,
      headers: { cookie: `session=${user}`, origin: url, ...(init.headers as Record<string, string>) },
    });
  const create = (user: string, init: RequestInit = {}) =>
    as(user, '/v1/videos', {
      method: 'POST',
      body: '{"prompt":"a paid job"}',
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
  const listed = async (user: string) =>
    ((await (await as(user, '/v1/videos?limit=100')).json()) as { data: { id: string }[] }).data.map(
      (v) => v.id,
    );
  return {
    as,
    create,
    listed,
    aborted: () =>
      new Promise<void>((resolve) => {
        onAbort = resolve;
      }),
  };
}

/** Creates that reached the API and made a job (or a character). */
const paid = (path = '/v1/videos') =>
  emu.requests().filter((r) => r.method === 'POST' && r.path === path && r.status === 200).length;

/** Polls `check` on events of the system under test, up to a bound (a loaded machine is slow, never stuck). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('spending is a ledger, ownership is not', () => {
  test('create then DELETE, repeated, starts no more paid jobs than the window allows', async () => {
    const { create, as } = await app({ policy: { maxInFlight: 2, maxJobsPerWindow: 3 } });
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const made = await create('mallory');
      const body = await made.json();
      if (made.status !== 200) {
        codes.push(body.error.code);
        continue;
      }
      expect((await as('mallory', `/v1/videos/${body.id}`, { method: 'DELETE' })).status).toBe(200);
    }
    expect(paid()).toBe(3);
    expect(codes).toEqual(Array(9).fill('job_quota_exceeded'));
  });

  test('a job gone upstream (404) is forgotten by its owner but still counted', async () => {
    const { create, as, listed } = await app({ policy: { maxInFlight: 5, maxJobsPerWindow: 2 } });
    const first = (await (await create('mallory')).json()).id as string;
    // Deleted behind the handler's back: the handler learns it from the API's 404.
    await createSoraClient({ apiKey: KEY, baseUrl: emu.url, maxRetries: 0 }).videos.delete(first);
    expect((await as('mallory', `/v1/videos/${first}`)).status).toBe(404);
    expect(await listed('mallory')).toEqual([]);
    expect((await create('mallory')).status).toBe(200);
    const over = await create('mallory');
    expect(over.status).toBe(403);
    expect((await over.json()).error.code).toBe('job_quota_exceeded');
    expect(paid()).toBe(2);
  });
});

describe('a paid create runs to its answer', () => {
  test('abandoned by the browser: the job is recorded, listed and counted', async () => {
    const { create, listed, aborted } = await app({ policy: { maxInFlight: 1, maxJobsPerWindow: 10 } });
    const held = gate.hold();
    const browser = new AbortController();
    const sent = create('alice', { signal: browser.signal }).catch((error: Error) => error);
    await held; // the create reached the API
    const seen = aborted();
    browser.abort();
    expect(await sent).toBeInstanceOf(Error);
    await seen; // the handler saw the browser leave
    gate.open();
    const [made] = await eventually(async () => {
      const ids = await listed('alice');
      return ids.length > 0 ? ids : undefined;
    }, "the abandoned job in alice's list");
    expect(emu.videos().map((v) => v.id)).toEqual([made]);
    // Every paid create carries an Idempotency-Key, made by the handler when the browser sent none.
    expect(emu.requests().find((r) => r.method === 'POST')?.idempotencyKey).toMatch(/^u[0-9a-f]{16}-/);
    const next = await create('alice');
    expect(next.status).toBe(403);
    expect((await next.json()).error.code).toBe('too_many_jobs_in_flight');
    expect(paid()).toBe(1);
  });

  test('an unknown outcome keeps its slot until the TTL; a retry with its key finds the job', async () => {
    const ttl = 1500;
    const { create, listed } = await app({
      policy: { maxInFlight: 2, maxJobsPerWindow: 10 },
      reservationTtlMs: ttl,
    } as Partial<SoraHandlerOptions>);
    gate.cut(Number.POSITIVE_INFINITY); // the create, and the handler's asking again, cut after the API made the job
    const cut = await create('alice', { headers: { 'idempotency-key': 'k-1' } });
    expect(cut.status).toBe(502);
    gate.cut(0);
    expect(emu.videos()).toHaveLength(1);
    const [made] = emu.videos();
    // The same key again: the API answers with the job it made, and alice owns it now.
    const retried = await create('alice', { headers: { 'idempotency-key': 'k-1' } });
    expect(retried.status).toBe(200);
    expect((await retried.json()).id).toBe(made!.id);
    expect(await listed('alice')).toEqual([made!.id]);
    expect(emu.videos()).toHaveLength(1);
    // The cut create's slot is still held (its outcome was unknown to the handler), the retry holds the other.
    const refused = await create('alice');
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('too_many_jobs_in_flight');
    const started = Date.now();
    await eventually(async () => ((await create('alice')).status === 200 ? true : undefined), 'the TTL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(ttl - 1000);
  });
});

describe('characters are paid calls', () => {
  test('they take their place in the window', async () => {
    const { as } = await app({ policy: { maxInFlight: 2, maxJobsPerWindow: 2 } });
    const quick = await emulator({ jobSeconds: 0.05 });
    closers.push(() => quick.close());
    const source = createSoraClient({ apiKey: KEY, baseUrl: quick.url, maxRetries: 0 });
    const video = await source.videos.createAndPoll({ prompt: 'a cat' });
    const bytes = await (await source.videos.downloadContent(video.id)).arrayBuffer();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const form = new FormData();
      form.set('name', `Whiskers ${i}`);
      form.set('video', new Blob([bytes], { type: 'video/mp4' }), 'cat.mp4');
      statuses.push((await as('mallory', '/v1/videos/characters', { method: 'POST', body: form })).status);
    }
    expect(paid('/v1/videos/characters')).toBe(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 403)).toHaveLength(23);
  });
});

test('reservationTtlMs must be a positive number of milliseconds, named in the error', () => {
  for (const bad of [0, -1, Number.NaN, '600000']) {
    expect(() => createSoraHandler({ authorize: cookieAuth, reservationTtlMs: bad as number })).toThrow(
      /reservationTtlMs/,
    );
  }
});
