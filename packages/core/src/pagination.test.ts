import { beforeAll, describe, expect, test } from 'vitest';
import type { Video } from './index.js';
import { useEmulator } from './test-support/emulator.js';

const t = useEmulator();
const made: string[] = [];
beforeAll(async () => {
  for (let i = 0; i < 7; i++) made.push((await t.client.videos.create({ prompt: `video ${i}` })).id);
});

describe('list', () => {
  test('for await walks every video across pages, newest first by default', async () => {
    t.emu.clearRequests();
    const ids: string[] = [];
    for await (const video of t.client.videos.list({ limit: 3 })) ids.push(video.id);
    expect(ids).toEqual([...made].reverse());
    const queries = t.emu.requests().map((r) => r.query);
    expect(queries).toEqual([{ limit: '3' }, { limit: '3', after: made[4] }, { limit: '3', after: made[1] }]);
  });

  test('ascending order, and a cursor to start after', async () => {
    const ids: string[] = [];
    for await (const video of t.client.videos.list({ limit: 2, order: 'asc' })) ids.push(video.id);
    expect(ids).toEqual(made);
    const rest: string[] = [];
    for await (const video of t.client.videos.list({ order: 'asc', after: made[3] })) rest.push(video.id);
    expect(rest).toEqual(made.slice(4));
  });

  test('await gives the first page; pages can be walked one by one', async () => {
    t.emu.clearRequests();
    const pager = t.client.videos.list({ limit: 4, order: 'asc' });
    expect(t.emu.requests()).toHaveLength(0); // lazy
    const first = await pager;
    expect(first.data.map((v: Video) => v.id)).toEqual(made.slice(0, 4));
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((v) => v.id)).toEqual(made.slice(4));
    expect(second.hasNextPage()).toBe(false);
    const sizes: number[] = [];
    for await (const page of pager.pages()) sizes.push(page.data.length);
    expect(sizes).toEqual([4, 3]);
  });

  test('limit 0: one empty page that says more exist, and for await ends at once', async () => {
    t.emu.clearRequests();
    const page = await t.client.videos.list({ limit: 0 });
    expect(page.data).toEqual([]);
    expect(page.has_more).toBe(true);
    // Nothing to follow: an empty page carries no cursor, so the walk stops instead of asking forever.
    expect(page.hasNextPage()).toBe(false);
    const ids: string[] = [];
    for await (const video of t.client.videos.list({ limit: 0 })) ids.push(video.id);
    expect(ids).toEqual([]);
    expect(t.emu.requests().map((r) => r.query)).toEqual([{ limit: '0' }, { limit: '0' }]);
  });

  test('break stops fetching pages', async () => {
    t.emu.clearRequests();
    for await (const video of t.client.videos.list({ limit: 2 })) {
      expect(video.id).toBe(made.at(-1));
      break;
    }
    expect(t.emu.requests()).toHaveLength(1);
  });
});
