// The handler's in-process memory of ownership in front of a remote store: a "yes" is asked once, a "no"
// every time, and nothing remembered ever lets another user in.
import { expect, test } from 'vitest';
import type { JobStore } from '../src/index.js';
import { memoryStore } from '../src/index.js';
import { cacheOwnership } from '../src/store/owned-cache.js';

const limits = { maxInFlight: 10, maxPerWindow: 10, windowMs: 60_000 };

async function counted() {
  const inner = memoryStore();
  const asked: string[] = [];
  const spy: JobStore = {
    ...inner,
    owns: (userId, id) => {
      asked.push(`${userId} ${id}`);
      return inner.owns(userId, id);
    },
  };
  const slot = await inner.reserve({ userId: 'alice', kind: 'video', limits, now: Date.now(), ttlMs: 1000 });
  if (!slot.ok) throw new Error('no slot');
  await inner.commit(slot.reservation, {
    userId: 'alice',
    id: 'video_a',
    kind: 'video',
    createdAt: Date.now(),
  });
  return { inner, asked, spy };
}

test('a yes is asked once, a no every time, and never shared between users', async () => {
  const { asked, spy } = await counted();
  const store = cacheOwnership(spy);
  for (let i = 0; i < 5; i++) expect(await store.owns('alice', 'video_a')).toBe(true);
  for (let i = 0; i < 3; i++) expect(await store.owns('bob', 'video_a')).toBe(false);
  expect(asked).toEqual(['alice video_a', 'bob video_a', 'bob video_a', 'bob video_a']);
  // A user id that ends like another key's start cannot borrow alice's entry.
  expect(await store.owns('alice\u0000x', 'video_a')).toBe(false);
});

test('a removal is forgotten at once; a commit is remembered', async () => {
  const { asked, spy } = await counted();
  const store = cacheOwnership(spy);
  expect(await store.owns('alice', 'video_a')).toBe(true);
  await store.remove('alice', 'video_a');
  expect(await store.owns('alice', 'video_a')).toBe(false);
  const slot = await store.reserve({ userId: 'carol', kind: 'video', limits, now: Date.now(), ttlMs: 1000 });
  if (!slot.ok) throw new Error('no slot');
  await store.commit(slot.reservation, {
    userId: 'carol',
    id: 'video_c',
    kind: 'video',
    createdAt: Date.now(),
  });
  expect(await store.owns('carol', 'video_c')).toBe(true);
  expect(asked).toEqual(['alice video_a', 'alice video_a']);
});

test('bounded: the oldest pair is dropped, and asked again', async () => {
  const { asked, spy } = await counted();
  const store = cacheOwnership(spy, { max: 2 });
  await store.owns('alice', 'video_a');
  await store.owns('bob', 'video_1');
  await store.owns('bob', 'video_2'); // no: not remembered, alice's stays
  expect(await store.owns('alice', 'video_a')).toBe(true);
  expect(asked.filter((a) => a === 'alice video_a')).toHaveLength(1);
});
