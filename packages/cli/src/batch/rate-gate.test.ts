import { describe, expect, it } from 'vitest';
import { RateGate, retryAfterMs } from './rate-gate.js';

describe('retryAfterMs', () => {
  it('prefers retry-after-ms, then Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('RateGate', () => {
  it('a 429 closes the gate for every caller until its Retry-After has passed', async () => {
    const pauses: number[] = [];
    const gate = new RateGate({ onPause: (_until, delay) => pauses.push(delay) });
    let calls = 0;
    const fetch429 = gate.wrap(async () => {
      calls += 1;
      return new Response(null, { status: calls === 1 ? 429 : 200, headers: { 'retry-after-ms': '300' } });
    });
    expect((await fetch429('http://x')).status).toBe(429);
    expect(pauses).toEqual([300]);
    const started = Date.now();
    // Two other workers wait at the gate.
    const [a, b] = await Promise.all([fetch429('http://x'), fetch429('http://x')]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(gate.limited).toBe(1);
  });

  it('caps an absurd Retry-After and defaults a missing one', () => {
    const gate = new RateGate({ maxDelayMs: 5_000, defaultDelayMs: 700 });
    const before = Date.now();
    gate.limit(new Headers({ 'retry-after': '86400' }));
    expect(gate.openAt - before).toBeLessThanOrEqual(5_050);
    const other = new RateGate({ defaultDelayMs: 700 });
    const t = Date.now();
    other.limit(new Headers());
    expect(other.openAt - t).toBeGreaterThanOrEqual(690);
  });

  it('waiting is cancelled by the signal', async () => {
    const gate = new RateGate();
    gate.limit(new Headers({ 'retry-after': '60' }));
    const controller = new AbortController();
    const waiting = gate.wait(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
