// The shared-status suite every cross-instance status backend runs: three instances of the app (each its
// own handler, status hub and HTTP server) over one backend. Readers spread over them cost what one reader
// costs upstream, a change polled by one instance reaches the event streams of the others through the
// backend's notices, and ownership holds on each. Each backend's file starts its real server and says how an
// instance makes its status hub.
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryStore, type StatusHub } from '../src/index.js';
import { readEvents } from './sse-reader.js';
import { type App, emulator, readUntilDone, startApp } from './support.js';

/** A backend under test: started once, then asked for one status hub per instance. */
export interface SharedStatusBackend {
  /** Starts the backend's server (a free loopback port) and prepares it. */
  start(): Promise<void>;
  /** The status hub of one instance, on connections of its own. */
  hub(): Promise<StatusHub>;
  /** Closes every connection the hubs opened, then the server. */
  stop(): Promise<void>;
}

export function describeSharedStatus(name: string, backend: SharedStatusBackend): void {
  let emu: RunningEmulator;
  const apps: App[] = [];

  beforeAll(async () => {
    await backend.start();
    emu = await emulator({ jobSeconds: 2 });
    // Ownership is shared too (one store object here; a shared backend in production).
    const jobs = memoryStore();
    for (let i = 0; i < 3; i++)
      apps.push(await startApp({ baseUrl: emu.url, store: jobs, status: await backend.hub() }));
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await emu?.close();
    await backend.stop();
  });

  const statusReads = (id: string) =>
    emu.requests().filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`).length;

  describe(`status shared through ${name} by 3 instances`, () => {
    test('20 readers spread over 3 instances cost what 1 reader costs upstream (± 10 %)', async () => {
      // The one reader asks more often than the entry goes stale (readUntilDone), so its count is the
      // hub's schedule; both jobs run at once, under the same load.
      const [one, many] = await Promise.all([
        apps[0]!.client('ann').videos.create({ prompt: 'alone' }),
        apps[0]!.client('ann').videos.create({ prompt: 'crowd' }),
      ]);
      const readers = Array.from({ length: 20 }, (_, i) => apps[i % 3]!.client('ann'));
      const [alone, done] = await Promise.all([
        readUntilDone(apps[0]!.client('ann'), one.id),
        Promise.all(readers.map((c) => c.videos.poll(many.id))),
      ]);
      expect(alone).toBe('completed');
      expect(done.every((v) => v.status === 'completed')).toBe(true);
      const single = statusReads(one.id);
      expect(single).toBeGreaterThan(1);
      const crowd = statusReads(many.id);
      expect(crowd).toBeLessThanOrEqual(Math.ceil(single * 1.1));
    }, 60_000);

    test('streams on every instance see each change, wherever it was polled', async () => {
      const video = await apps[1]!.client('ann').videos.create({ prompt: 'streamed everywhere' });
      const streams = await Promise.all(
        apps.map((app) => app.as('ann', `/api/sora/v1/videos/${video.id}/events`).then((r) => readEvents(r))),
      );
      for (const events of streams) expect(JSON.parse(events.at(-1)!.data).status).toBe('completed');
      // Every instance showed the same versions (one shared entry), and the API was asked once per interval.
      const versions = streams.map((events) => events.map((e) => e.id).at(-1));
      expect(new Set(versions).size).toBe(1);
      expect(statusReads(video.id)).toBeLessThanOrEqual(12);
    }, 60_000);

    test("another user's id is a 404 on every instance, the stream too", async () => {
      const video = await apps[2]!.client('ann').videos.create({ prompt: 'mine' });
      for (const app of apps) {
        expect((await app.as('bob', `/api/sora/v1/videos/${video.id}`)).status).toBe(404);
        expect((await app.as('bob', `/api/sora/v1/videos/${video.id}/events`)).status).toBe(404);
      }
    });
  });
}
