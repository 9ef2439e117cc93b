// Per-request cost: `client.videos.retrieve(id)` against the plain call a user would write,
// `await (await fetch(url, { headers })).json()`, on loopback, with the emulator in a process of its own
// (its own event loop and CPU time, as a real server). Beside them, in the same blocks: openai-node's
// `videos.retrieve`, and the plain call with `cache: 'no-store'` (what that option alone costs in Node,
// which has no HTTP cache), and the plain call with a timeout that aborts it (an AbortSignal, as core sends
// with every request). All alternate call by call, in blocks; each figure is the median of the per-block
// ratios of median times.
import { createSoraClient } from '@sora-kit/core';
import OpenAI from 'openai';
import { interleave, startServer } from '../../../scripts/bench/harness.mjs';

const EMULATOR = new URL('../../emulator/dist/bin.js', import.meta.url).pathname;

export async function measureOverhead({ blocks = 11, rounds = 200, warmup = 300 } = {}) {
  const key = 'sk-bench-key-0000';
  const emulator = await startServer(process.execPath, [
    EMULATOR,
    ...['--port', '0', '--job-seconds', '3600', '--api-key', key, '--quiet'],
  ]);
  try {
    const client = createSoraClient({ apiKey: key, baseUrl: emulator.url });
    const openai = new OpenAI({ apiKey: key, baseURL: `${emulator.url}/v1` });
    const { id } = await client.videos.create({ prompt: 'a tiger' });
    const url = `${emulator.url}/v1/videos/${id}`;
    const headers = { Authorization: `Bearer ${key}` };
    const results = await interleave(
      {
        fetch: async () => (await fetch(url, { headers })).json(),
        'fetch no-store': async () => (await fetch(url, { headers, cache: 'no-store' })).json(),
        // The plain call with the guarantee core gives every request: a timeout that aborts it.
        'fetch + timeout': async () => {
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), 60_000);
          try {
            return await (await fetch(url, { headers, signal: controller.signal })).json();
          } finally {
            clearTimeout(timer);
          }
        },
        core: () => client.videos.retrieve(id),
        openai: () => openai.videos.retrieve(id),
      },
      { baseline: 'fetch', blocks, rounds, warmup },
    );
    return { blocks, rounds, ...results };
  } finally {
    await emulator.close();
  }
}
