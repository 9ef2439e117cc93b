// biome-ignore-all lint/correctness/noComponentHookFactories: each run's components close over its jobs and counters
// Many components watching one job, and a hidden page, with @sora-kit/react and with the loop apps write by
// hand (each component: useEffect + setInterval(retrieve, 1 s)), against one emulator per measure, run in
// a process of its own (the harness's `startServer`); status requests are counted from its request log.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createSoraClient } from '@sora-kit/core';
import { createElement as h, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { startServer } from '../../../scripts/bench/harness.mjs';
import { SoraProvider, useVideo } from '../dist/index.js';
import { installDom, setPageVisible } from './dom.mjs';

const EMULATOR = join(dirname(createRequire(import.meta.url).resolve('@sora-kit/emulator')), 'bin.js');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What apps hand-roll: a retrieve every second per component, until a terminal state. */
function useHandRolled(client, id) {
  const [video, setVideo] = useState();
  useEffect(() => {
    let stop = false;
    const timer = setInterval(async () => {
      const v = await client.videos.retrieve(id).catch(() => undefined);
      if (stop || !v) return;
      setVideo(v);
      if (['completed', 'failed', 'expired'].includes(v.status)) clearInterval(timer);
    }, 1000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [client, id]);
  return video;
}

async function withEmulator(jobSeconds, run) {
  const emulator = await startServer(process.execPath, [
    EMULATOR,
    ...['--port', '0', '--job-seconds', String(jobSeconds), '--api-key', 'sk-bench', '--quiet'],
  ]);
  const client = createSoraClient({ apiKey: 'sk-bench', baseUrl: emulator.url });
  /** The status requests (`GET /v1/videos/{id}`) of job `id` in the emulator's log, each with its time. */
  const statusRequests = async (id) => {
    const log = await (await fetch(`${emulator.url}/_emulator/requests`)).json();
    return log.data.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`);
  };
  try {
    return await run({ client, statusRequests });
  } finally {
    await emulator.close();
  }
}

function mount(client, children) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  root.render(h(SoraProvider, { client }, ...children));
  return () => root.unmount();
}

/**
 * 1 vs 50 watchers of a job (and a component watching nothing), mounted together: status requests and
 * renders per answer; then 50 hand-rolled pollers of another job of the same length.
 */
export async function measureWatchers(jobSeconds = 4) {
  installDom();
  setPageVisible(true);
  return withEmulator(jobSeconds, async ({ client, statusRequests }) => {
    const renders = new Map();
    const count = (name) => renders.set(name, (renders.get(name) ?? 0) + 1);
    let finished = 0;
    const untilFinished = async (n) => {
      const deadline = Date.now() + jobSeconds * 1000 + 30_000;
      while (finished < n && Date.now() < deadline) await sleep(50);
      await sleep(1_500); // anything still polling after the end shows up here
    };
    function Watcher({ id, name }) {
      const { isDone } = useVideo(id);
      count(name);
      useEffect(() => {
        if (isDone) finished++;
      }, [isDone]);
      return h('p', null, name);
    }
    function HandRolled({ id }) {
      const video = useHandRolled(client, id);
      useEffect(() => {
        if (video?.status === 'completed') finished++;
      }, [video]);
      return null;
    }
    function Bystander() {
      count('bystander');
      return h('p', null, 'not watching');
    }
    const names = Array.from({ length: 50 }, (_, i) => i);

    const [one, fifty] = await Promise.all(
      ['one', 'fifty'].map((prompt) => client.videos.create({ prompt })),
    );
    let unmount = mount(client, [
      h(Watcher, { key: 'one', id: one.id, name: 'one' }),
      ...names.map((i) => h(Watcher, { key: `w${i}`, id: fifty.id, name: `w${i}` })),
      h(Bystander, { key: 'b' }),
    ]);
    await untilFinished(51);
    unmount();

    finished = 0;
    const handRolled = await client.videos.create({ prompt: 'hand-rolled' });
    unmount = mount(
      client,
      names.map((i) => h(HandRolled, { key: `h${i}`, id: handRolled.id })),
    );
    await untilFinished(50);
    unmount();

    const answers = (await statusRequests(fifty.id)).length;
    const watcherRenders = names.map((i) => renders.get(`w${i}`) - 1); // less the mount
    return {
      jobSeconds,
      one: (await statusRequests(one.id)).length,
      fifty: answers,
      handRolled: (await statusRequests(handRolled.id)).length,
      rendersPerAnswer: {
        min: Math.min(...watcherRenders) / answers,
        max: Math.max(...watcherRenders) / answers,
      },
      bystanderRerenders: renders.get('bystander') - 1,
    };
  });
}

/** Status requests while the page is hidden for `hiddenMs`, with @sora-kit/react and hand-rolled. */
export async function measureHidden(hiddenMs = 4_000) {
  installDom();
  setPageVisible(true);
  return withEmulator(30, async ({ client, statusRequests }) => {
    const [ours, theirs] = await Promise.all(
      ['ours', 'theirs'].map((prompt) => client.videos.create({ prompt })),
    );
    function Ours() {
      useVideo(ours.id);
      return null;
    }
    function Theirs() {
      useHandRolled(client, theirs.id);
      return null;
    }
    const unmount = mount(client, [h(Ours, { key: 'o' }), h(Theirs, { key: 't' })]);
    await sleep(2_500);
    setPageVisible(false);
    await sleep(200); // a request sent just before hiding may still be answered
    const hiddenAt = Date.now();
    await sleep(hiddenMs);
    const shownAt = Date.now();
    setPageVisible(true);
    // The log's arrival times (the same machine clock) tell what came while hidden, and how soon after.
    const during = (log) => log.filter((r) => r.at >= hiddenAt && r.at < shownAt).length;
    let first;
    while (!first && Date.now() - shownAt < 10_000) {
      await sleep(20);
      first = (await statusRequests(ours.id)).find((r) => r.at >= shownAt);
    }
    const hidden = {
      ours: during(await statusRequests(ours.id)),
      theirs: during(await statusRequests(theirs.id)),
    };
    const catchUpMs = first ? first.at - shownAt : Number.NaN;
    unmount();
    return { hiddenMs, hidden, catchUpMs };
  });
}
