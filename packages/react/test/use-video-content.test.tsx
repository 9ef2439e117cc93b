// biome-ignore-all lint/correctness/noComponentHookFactories: each test's components close over that test's job and counters
import { resolveObjectURL } from 'node:buffer';
import { screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { useVideo, useVideoContent } from '../src/index.js';
import { startKeyProxy } from './key-proxy.js';
import { emulatorForFile, KEY, renderStrict, requestsTo } from './support.js';

// The emulator reads jobs by this clock: a test that must see a job before it ends stops it (`frozenAt`) and
// moves it on cue, so no assertion depends on when the first poll lands on a loaded machine.
let frozenAt: number | undefined;
const f = emulatorForFile({ jobSeconds: 0.5, now: () => frozenAt ?? Date.now() });
let proxy: Awaited<ReturnType<typeof startKeyProxy>>;
beforeAll(async () => {
  proxy = await startKeyProxy(f.emu.url, KEY);
});
afterAll(() => proxy?.close());

function Player({ id, name = 'p', variant }: { id: string; name?: string; variant?: 'thumbnail' }) {
  const { src, isReady } = useVideoContent(id, { variant });
  useVideo(id); // a page usually shows the progress too: same poller
  return <p data-testid={name}>{isReady ? src : 'not ready'}</p>;
}
const shown = (name = 'p') => screen.getByTestId(name).textContent ?? '';

describe('useVideoContent', () => {
  test('with a key: one download into an object URL shared by two players, revoked when both unmount', async () => {
    const client = f.client();
    const job = await client.videos.create({ prompt: 'a river', size: '1280x720' });
    f.emu.clearRequests();
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    const { unmount } = renderStrict(
      <>
        <Player id={job.id} />
        <Player id={job.id} name="q" />
      </>,
      client,
    );
    expect(shown()).toBe('not ready');
    await waitFor(() => expect(shown()).toMatch(/^blob:/), { timeout: 10_000 });
    expect(shown('q')).toBe(shown());
    const url = shown();
    expect(requestsTo(f.emu, 'GET', `/v1/videos/${job.id}/content`)).toHaveLength(1);
    // The object URL holds the MP4 itself (read back the way Node keeps it: this DOM's fetch has no blob:).
    const bytes = new Uint8Array((await resolveObjectURL(url)?.arrayBuffer()) ?? []);
    expect(new TextDecoder().decode(bytes.slice(4, 8))).toBe('ftyp');
    expect(revoke).not.toHaveBeenCalledWith(url);
    unmount();
    await waitFor(() => expect(revoke).toHaveBeenCalledWith(url));
    revoke.mockRestore();
  });

  test('without a key (behind a server handler): the handler URL, streamed by the player, no download', async () => {
    const client = f.client({ apiKey: null, baseUrl: proxy.url });
    const job = await client.videos.create({ prompt: 'a meadow', size: '1280x720' });
    f.emu.clearRequests();
    renderStrict(
      <>
        <Player id={job.id} />
        <Player id={job.id} name="t" variant="thumbnail" />
      </>,
      client,
    );
    await waitFor(() => expect(shown()).not.toBe('not ready'), { timeout: 10_000 });
    expect(shown()).toBe(`${proxy.url}/v1/videos/${job.id}/content`);
    expect(shown('t')).toBe(`${proxy.url}/v1/videos/${job.id}/content?variant=thumbnail`);
    expect(requestsTo(f.emu, 'GET', `/v1/videos/${job.id}/content`)).toHaveLength(0);
    // What a <video> does with it: a plain GET (no key in the page), ranges for seeking.
    const range = await fetch(shown(), { headers: { Range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-type')).toBe('video/mp4');
    const thumbnail = await fetch(shown('t'));
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
  });

  test('nothing before the job completes, then the URL', async () => {
    const client = f.client({ apiKey: null, baseUrl: proxy.url });
    const start = Date.now();
    frozenAt = start; // the job stays queued until the clock moves
    try {
      const job = await client.videos.create({ prompt: 'a slow reveal' });
      const seen: string[] = [];
      function Recorder() {
        const { src } = useVideoContent(job.id);
        const { status } = useVideo(job.id);
        seen.push(`${status}:${src ?? '-'}`);
        return <p data-testid="p">{src ?? 'not ready'}</p>;
      }
      renderStrict(<Recorder />, client);
      // Each state is shown before the clock moves on: queued, then half way, then done.
      await waitFor(() => expect(seen).toContain('queued:-'), { timeout: 30_000 });
      frozenAt = start + 250;
      await waitFor(() => expect(seen).toContain('in_progress:-'), { timeout: 30_000 });
      frozenAt = start + 10_000;
      await waitFor(() => expect(shown()).not.toBe('not ready'), { timeout: 30_000 });
      expect(shown()).toBe(`${proxy.url}/v1/videos/${job.id}/content`);
      expect(seen.filter((s) => !s.startsWith('completed')).every((s) => s.endsWith(':-'))).toBe(true);
    } finally {
      frozenAt = undefined;
    }
  });
});
