// Polling a 20 s job whose progress rises linearly (after the emulator's 15 % in the queue), with no
// `openai-poll-after-ms` hint: how many status requests, and how late the end is seen. Beside it, in the
// same run, the same job polled every second (the official Python helper's interval).

import { createSoraClient } from '@sora-kit/core';
import { startEmulator } from '@sora-kit/emulator';

const JOB_SECONDS = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measurePolling() {
  const emu = await startEmulator({ jobSeconds: JOB_SECONDS, pollAfterMs: false, quiet: true });
  try {
    const client = createSoraClient({ apiKey: 'k', baseUrl: emu.url });
    const strategies = {
      learned: (id) => client.videos.poll(id),
      fixedOneSecond: async (id) => {
        for (;;) {
          await sleep(1000);
          if ((await client.videos.retrieve(id)).status === 'completed') return;
        }
      },
    };
    const results = await Promise.all(
      Object.entries(strategies).map(async ([name, poll]) => {
        const idempotencyKey = `bench-${name}-${Date.now()}`;
        const { id } = await client.videos.create({ prompt: name }, { idempotencyKey });
        await poll(id);
        const seenAt = Date.now();
        const log = emu.requests();
        // The job ends JOB_SECONDS after the emulator received its create (same machine clock).
        const createdAt = log.find((r) => r.idempotencyKey === idempotencyKey).at;
        return [
          name,
          {
            statusRequests: log.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`).length,
            lateMs: seenAt - (createdAt + JOB_SECONDS * 1000),
          },
        ];
      }),
    );
    return { jobSeconds: JOB_SECONDS, ...Object.fromEntries(results) };
  } finally {
    await emu.close();
  }
}
