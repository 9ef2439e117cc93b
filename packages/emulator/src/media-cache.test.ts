/** The media cache: rendered once per job and variant, shared by concurrent downloads, bounded. */
import { describe, expect, it } from 'vitest';
import { JobStore } from './jobs.js';
import { MediaCache } from './media-cache.js';

const jobs = new JobStore({ jobMs: 0, contentTtlSeconds: 3600, maxJobs: 100 });
const job = (prompt: string) => jobs.create({ prompt, model: 'sora-2', seconds: '4', size: '720x1280' });

describe('MediaCache', () => {
  it('renders an asset once and shares it between concurrent and later requests', async () => {
    const cache = new MediaCache();
    const one = job('shared');
    const [a, b] = await Promise.all([cache.get(one, 'video'), cache.get(one, 'video')]);
    expect(a).toBe(b);
    expect(await cache.get(one, 'video')).toBe(a);
    expect(cache.cachedBytes).toBe(a.bytes.byteLength);
    const thumbnail = await cache.get(one, 'thumbnail');
    expect(thumbnail.etag).not.toBe(a.etag);
    cache.forget(one.id);
    expect(cache.cachedBytes).toBe(0);
  });

  // Five full renders of a video; slow under vitest on a busy 2-core machine (the same steps take seconds
  // in a plain script), hence the generous limit.
  it('evicts the least recently used assets past its budget, and renders them again identically', {
    timeout: 240_000,
  }, async () => {
    const first = job('first');
    const second = job('second');
    const probe = await new MediaCache().get(first, 'video');
    // Room for two videos, not three.
    const cache = new MediaCache(probe.bytes.byteLength * 2.5);
    const a = await cache.get(first, 'video');
    const b = await cache.get(second, 'video');
    await cache.get(first, 'video'); // first is now the most recently used
    await cache.get(job('third'), 'video');
    expect(cache.cachedBytes).toBeLessThanOrEqual(probe.bytes.byteLength * 2.5);
    expect(await cache.get(first, 'video')).toBe(a);
    const again = await cache.get(second, 'video');
    expect(again).not.toBe(b); // evicted, then rendered anew…
    expect(again.etag).toBe(b.etag); // …to the same bytes, so a resumed download still matches
  });
});
