import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebhookDeduper, memoryDedupeStore } from './webhook-dedupe.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createWebhookDeduper', () => {
  it('runs a delivery once; its replays are duplicates', async () => {
    const dedupe = createWebhookDeduper();
    let runs = 0;
    expect(await dedupe.run('msg_1', () => runs++)).toBe('handled');
    expect(await dedupe.run('msg_1', () => runs++)).toBe('duplicate');
    expect(await dedupe.run('msg_2', () => runs++)).toBe('handled');
    expect(runs).toBe(2);
  });

  it('a delivery whose handler throws runs again on the retry', async () => {
    const dedupe = createWebhookDeduper();
    await expect(
      dedupe.run('msg_1', () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    let runs = 0;
    expect(await dedupe.run('msg_1', () => runs++)).toBe('handled');
    expect(runs).toBe(1);
  });

  it('a copy that arrives while the first is being handled is in-flight, not run', async () => {
    const dedupe = createWebhookDeduper();
    let release!: () => void;
    const first = dedupe.run('msg_1', () => new Promise<void>((r) => (release = r)));
    let runs = 0;
    expect(await dedupe.run('msg_1', () => runs++)).toBe('in-flight');
    release();
    expect(await first).toBe('handled');
    expect(runs).toBe(0);
  });

  it('forgets ids after ttlSeconds', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const dedupe = createWebhookDeduper({ ttlSeconds: 10 });
    await dedupe.run('msg_1', () => {});
    vi.setSystemTime(1_000_000 + 9_000);
    expect(await dedupe.run('msg_1', () => {})).toBe('duplicate');
    vi.setSystemTime(1_000_000 + 11_000);
    expect(await dedupe.run('msg_1', () => {})).toBe('handled');
  });

  it('ids such as __proto__ are plain keys', async () => {
    const dedupe = createWebhookDeduper();
    expect(await dedupe.run('__proto__', () => {})).toBe('handled');
    expect(await dedupe.run('__proto__', () => {})).toBe('duplicate');
    expect(await dedupe.run('constructor', () => {})).toBe('handled');
  });

  it('refuses a ttl that is not a positive finite number, and an empty id', async () => {
    for (const ttlSeconds of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY]) {
      expect(() => createWebhookDeduper({ ttlSeconds })).toThrow(/ttlSeconds/);
    }
    await expect(createWebhookDeduper().run('', () => {})).rejects.toThrow(/delivery id/);
  });
});

describe('memoryDedupeStore', () => {
  it('keeps at most maxEntries ids, dropping the oldest', async () => {
    const store = memoryDedupeStore(3);
    for (const id of ['a', 'b', 'c', 'd']) store.add(id, 'done', 60);
    expect(store.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => store.get(id))).toEqual(['done', 'done', 'done']);
  });
});
