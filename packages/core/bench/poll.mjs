// Polling 20 s jobs whose progress rises linearly (after the emulator's 15 % of the time in the queue), with
// no `openai-poll-after-ms`: how many status requests, and how late the end is noticed. Three jobs, created
// a third of a second apart (their ends fall at different moments of any schedule), polled with core's
// learned schedule; beside them, the same job polled every second (the official Python helper's interval).
// The emulator runs in a process of its own; its request log counts the status requests, and each job's
// end is its create's arrival there plus 20 s (the same machine clock as the client's).
import { createSoraClient } from '@sora-kit/core';
import { median, startServer } from '../../../scripts/bench/harness.mjs';

const EMULATOR = new URL('../../emulator/dist/bin.js', import.meta.url).pathname;
const JOB_SECONDS = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measurePolling({ jobs = 3 } = {}) {
  const emulator = await startServer(process.execPath, [
    EMULATOR,
    ...['--port', '0', '--job-seconds', String(JOB_SECONDS), '--poll-after-ms', 'off', '--quiet'],
  ]);
  try {
    const client = createSoraClient({ apiKey: 'k', baseUrl: emulator.url });
    const strategies = {
      learned: (id) => client.videos.poll(id),
      fixedOneSecond: async (id) => {
        for (;;) {
          await sleep(1000);
          if ((await client.videos.retrieve(id)).status === 'completed') return;
        }
      },
    };
    const plan = [
      ...Array.from({ length: jobs }, (_, i) => ({ strategy: 'learned', delay: (i * 1000) / jobs })),
      { strategy: 'fixedOneSecond', delay: 0 },
    ];
    const runs = await Promise.all(
      plan.map(async ({ strategy, delay }, n) => {
        await sleep(delay);
        const idempotencyKey = `bench-${strategy}-${n}-${Date.now()}`;
        const { id } = await client.videos.create({ prompt: strategy }, { idempotencyKey });
        await strategies[strategy](id);
        return { strategy, id, idempotencyKey, seenAt: Date.now() };
      }),
    );
    const log = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()).data;
    const measured = runs.map((run) => {
      const createdAt = log.find((r) => r.idempotencyKey === run.idempotencyKey).at;
      return {
        ...run,
        statusRequests: log.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${run.id}`).length,
        lateMs: run.seenAt - (createdAt + JOB_SECONDS * 1000),
      };
    });
    const of = (strategy) => measured.filter((m) => m.strategy === strategy);
    const learned = of('learned');
    return {
      jobSeconds: JOB_SECONDS,
      learned: {
        jobs: learned.length,
        lateMs: median(learned.map((m) => m.lateMs)),
        maxLateMs: Math.max(...learned.map((m) => m.lateMs)),
        statusRequests: Math.max(...learned.map((m) => m.statusRequests)),
      },
      fixedOneSecond: of('fixedOneSecond')[0],
    };
  } finally {
    await emulator.close();
  }
}
