// `pnpm bench`: how soon `experimental_generateVideo` sees a Sora job end, and with how many status requests,
// under the AI SDK's own polling and with `providerOptions.sora.poll.waitMs` (core's learned schedule).
// Real jobs last any time, so each way runs jobs of four lengths whose ends fall at different phases of a
// 5 s interval; everything runs at once against emulators on loopback. Needs `pnpm build` first.
import { createSora } from '@sora-kit/ai-sdk';
import { experimental_generateVideo as generateVideo } from 'ai';
import { createRecorder, startServer } from '../../../scripts/bench/harness.mjs';

const bench = createRecorder(new URL('..', import.meta.url));
const EMULATOR = new URL('../../emulator/dist/bin.js', import.meta.url).pathname;

globalThis.AI_SDK_LOG_WARNINGS = false;
const lengths = [16.2, 17.4, 18.6, 19.8]; // seconds: 1.2, 2.4, 3.6 and 4.8 s past a multiple of 5 s
// Each job returns its thumbnail: the emulator runs in this process, and rendering twelve MP4s at once
// would stall its answers (and the timings) for seconds; polling is the same for every variant.
const thumbnail = { variant: 'thumbnail' };
const ways = {
  'AI SDK default (every 5 s)': { providerOptions: { sora: thumbnail } },
  'AI SDK every 1 s': { poll: { intervalMs: 1000 }, providerOptions: { sora: thumbnail } },
  'sora poll.waitMs (learned)': {
    poll: { intervalMs: 100 },
    providerOptions: { sora: { ...thumbnail, poll: { waitMs: 60_000 } } },
  },
};

// No openai-poll-after-ms: the schedule must come from the progress itself, as at gateways that send none.
// Each emulator in a process of its own, apart from the AI SDK's event loop.
const emulators = await Promise.all(
  lengths.map((jobSeconds) =>
    startServer(process.execPath, [
      EMULATOR,
      ...['--port', '0', '--job-seconds', String(jobSeconds), '--poll-after-ms', 'off', '--quiet'],
    ]),
  ),
);
// When each job's create was sent, by its id: the job's clock starts a moment later (on loopback, within
// milliseconds), so the lateness below is an upper bound.
const sentAt = new Map();
const providerOf = (emu) =>
  createSora({
    apiKey: 'bench',
    baseURL: emu.url,
    fetch: async (input, init) => {
      const sent = Date.now();
      const response = await fetch(input, init);
      if (init?.method === 'POST') sentAt.set((await response.clone().json()).id, sent);
      return response;
    },
  });

try {
  const runs = await Promise.all(
    Object.entries(ways).flatMap(([way, options]) =>
      emulators.map(async (emu, i) => {
        const model = providerOf(emu).video('sora-2');
        const { providerMetadata } = await generateVideo({ model, prompt: way, ...options });
        const { id } = providerMetadata.sora;
        const end = sentAt.get(id) + lengths[i] * 1000;
        const log = (await (await fetch(`${emu.url}/_emulator/requests`)).json()).data;
        const checks = log.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`);
        // The last status request is the one that saw `completed`: the AI SDK stops there.
        return { way, requests: checks.length, lateMs: checks.at(-1).at - end };
      }),
    ),
  );
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(
    `\nexperimental_generateVideo of jobs of ${lengths.join(', ')} s, linear progress, no openai-poll-after-ms`,
  );
  const ids = {
    'AI SDK default (every 5 s)': 'default',
    'AI SDK every 1 s': 'every-1s',
    'sora poll.waitMs (learned)': 'learned',
  };
  for (const way of Object.keys(ways)) {
    const mine = runs.filter((r) => r.way === way);
    const late = mine.map((r) => r.lateMs);
    bench.add({
      id: `ai-sdk.poll-${ids[way]}`,
      title: `generateVideo, jobs of ${lengths.join(', ')} s, ${way}: end seen after it`,
      measured: `${mean(late).toFixed(0)} ms on average (at most ${Math.max(...late)} ms), ${mean(mine.map((r) => r.requests)).toFixed(1)} status requests per job`,
      summary: ids[way] === 'learned',
    });
  }
} finally {
  await Promise.all(emulators.map((emu) => emu.close()));
}
bench.save();
