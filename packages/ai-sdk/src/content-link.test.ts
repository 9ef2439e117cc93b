import { ffprobe } from '@sora-kit/test-support/media';
import {
  experimental_generateVideo as generateVideo,
  experimental_getVideoStatus as getVideoStatus,
  experimental_startVideo as startVideo,
} from 'ai';
import { describe, expect, test } from 'vitest';
import { useEmulator } from './test-support/emulator.js';

// A gpt.ge-style gateway: `/content` answers JSON `{ url }` with a temporary link on another origin.
const t = useEmulator({ jobSeconds: 0.3, contentMode: 'url' });

const finished = async (model: ReturnType<typeof t.sora.video>, operation: unknown) => {
  for (;;) {
    const status = await getVideoStatus(model, { operation: operation as never });
    if (status.status !== 'pending') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('a gateway that answers with a download link', () => {
  test('doStatus returns the link as a URL, without downloading it', async () => {
    const model = t.sora.video('sora-2');
    const { operation } = await startVideo({ model, prompt: 'a link please' });
    const status = await finished(model, operation);
    if (status.status !== 'completed') throw new Error(`not completed: ${status.status}`);
    const [video] = status.videos;
    expect(video).toMatchObject({ type: 'url', mediaType: 'video/mp4' });
    const url = (video as { url: string }).url;
    expect(url.startsWith(`${t.emu.filesUrl}/files/`)).toBe(true);
    // The link itself was not fetched: the AI SDK downloads it.
    expect(t.emu.requests().filter((r) => r.origin === 'files')).toEqual([]);
    const media = await fetch(url); // no key: the link needs none
    expect(await ffprobe(new Uint8Array(await media.arrayBuffer()))).toMatchObject({ codecName: 'h264' });
  });

  test('generateVideo downloads the link with the AI SDK’s download function', async () => {
    const downloaded: string[] = [];
    const { video } = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'downloaded by the AI SDK',
      poll: { intervalMs: 100 },
      // The AI SDK's default downloader refuses loopback addresses (SSRF protection); a test server is one.
      download: async ({ url }) => {
        downloaded.push(url.href);
        const response = await fetch(url);
        return { data: new Uint8Array(await response.arrayBuffer()), mediaType: undefined };
      },
    });
    expect(downloaded).toHaveLength(1);
    expect(downloaded[0]!.startsWith(`${t.emu.filesUrl}/files/`)).toBe(true);
    expect(video.mediaType).toBe('video/mp4');
    expect(await ffprobe(video.uint8Array)).toMatchObject({ width: 720, height: 1280 });
  });

  test("download: 'bytes' fetches the link through core and returns the bytes", async () => {
    t.emu.clearRequests();
    const { video } = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'bytes through core',
      poll: { intervalMs: 100 },
      providerOptions: { sora: { download: 'bytes' } },
    });
    expect(await ffprobe(video.uint8Array)).toMatchObject({ codecName: 'h264' });
    expect(t.emu.requests().filter((r) => r.origin === 'files')).toHaveLength(1);
  });
});
