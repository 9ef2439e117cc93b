// Per-request overhead: GET /v1/videos/{id} on loopback against the emulator, with a bare `fetch` of the
// same request (same headers; `cache: 'no-store'`, which by the Fetch spec adds `Cache-Control` and
// `Pragma` to the request) and JSON parsing, against `client.videos.retrieve`. The two alternate, in
// blocks, so that both see the same load on a shared machine; the figure is the median of the blocks'
// ratios of median times.

import { createSoraClient } from '@sora-kit/core';
import { startEmulator } from '@sora-kit/emulator';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureOverhead({ blocks = 7, rounds = 500, warmup = 300 } = {}) {
  const key = 'sk-bench-key-0000';
  const emu = await startEmulator({ jobSeconds: 3600, apiKey: key, quiet: true, requestLogLimit: 0 });
  try {
    const client = createSoraClient({ apiKey: key, baseUrl: emu.url });
    const { id } = await client.videos.create({ prompt: 'a tiger' });
    const url = `${emu.url}/v1/videos/${id}`;
    const init = { headers: { Authorization: `Bearer ${key}` }, cache: 'no-store' };
    const run = { bare: async () => (await fetch(url, init)).json(), sdk: () => client.videos.retrieve(id) };
    const time = async (name) => {
      const started = performance.now();
      await run[name]();
      return performance.now() - started;
    };
    for (let i = 0; i < warmup; i++) {
      await time('bare');
      await time('sdk');
    }
    const ratios = [];
    const all = { bare: [], sdk: [] };
    for (let b = 0; b < blocks; b++) {
      const times = { bare: [], sdk: [] };
      for (let i = 0; i < rounds; i++) {
        // Alternate which goes first, so neither always runs on a warmer connection.
        for (const name of i % 2 ? ['bare', 'sdk'] : ['sdk', 'bare']) times[name].push(await time(name));
      }
      ratios.push(median(times.sdk) / median(times.bare));
      all.bare.push(...times.bare);
      all.sdk.push(...times.sdk);
    }
    return {
      requests: blocks * rounds,
      bareMedianMs: median(all.bare),
      sdkMedianMs: median(all.sdk),
      ratio: median(ratios),
      blockRatios: ratios,
    };
  } finally {
    await emu.close();
  }
}
