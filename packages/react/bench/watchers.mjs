// biome-ignore-all lint/correctness/noComponentHookFactories: each run's components close over its jobs and counters
// Many components watching one job, and a hidden page, with @sora-kit/react and with the loop apps write by
// hand (each component: useEffect + setInterval(retrieve, 1 s)), on one emulator in the same run.
import { createSoraClient } from '@sora-kit/core';
import { startEmulator } from '@sora-kit/emulator';
import { createElement as h, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SoraProvider, useVideo } from '../dist/index.js';
import { installDom, setPageVisible } from './dom.mjs';

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
  const emu = await startEmulator({ jobSeconds, quiet: true, apiKey: 'sk-bench' });
  const client = createSoraClient({ apiKey: 'sk-bench', baseUrl: emu.url });
  const statusRequests = (id) =>
    emu.requests().filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`).length;
  try {
    return await run({ emu, client, statusRequests });
  } finally {
    await emu.close();
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
 * 1 vs 50 watchers of a job: status requests and renders per answer; then, on their own (they load the
 * process that also runs the emulator), 50 hand-rolled pollers of another job of the same length.
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

    const answers = statusRequests(fifty.id);
    const watcherRenders = names.map((i) => renders.get(`w${i}`) - 1); // less the mount
    return {
      jobSeconds,
      one: statusRequests(one.id),
      fifty: answers,
      handRolled: statusRequests(handRolled.id),
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
    const before = { ours: statusRequests(ours.id), theirs: statusRequests(theirs.id) };
    await sleep(hiddenMs);
    const hidden = {
      ours: statusRequests(ours.id) - before.ours,
      theirs: statusRequests(theirs.id) - before.theirs,
    };
    const shownAt = Date.now();
    setPageVisible(true);
    while (statusRequests(ours.id) === before.ours + hidden.ours && Date.now() - shownAt < 10_000)
      await sleep(5);
    const catchUpMs = Date.now() - shownAt;
    unmount();
    return { hiddenMs, hidden, catchUpMs };
  });
}
