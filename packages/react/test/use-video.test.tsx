// biome-ignore-all lint/correctness/noComponentHookFactories: each test's components close over that test's job and counters
import { NotFoundError, VideoFailedError } from '@sora-kit/core';
import { act, screen, waitFor } from '@testing-library/react';
import { Profiler, Suspense } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { useVideo } from '../src/index.js';
import { emulatorForFile, renderStrict, requestsTo, sleep, statusRequests } from './support.js';
import { setPageVisible } from './visibility.js';

// The emulator reads jobs by this clock: a test that must see a job's states stops it and moves it on cue.
let frozenAt: number | undefined;
const f = emulatorForFile({ jobSeconds: 1.5, now: () => frozenAt ?? Date.now() });
afterEach(() => {
  setPageVisible(true);
  frozenAt = undefined;
});

function Watcher({ id, name = 'w' }: { id: string | null | undefined; name?: string }) {
  const { status, progress, isDone, isPending, error } = useVideo(id);
  return (
    <p data-testid={name}>
      {`${status} ${progress} ${isDone ? 'done' : ''} ${isPending ? 'pending' : ''} ${error?.name ?? ''}`}
    </p>
  );
}
const text = (name = 'w') => screen.getByTestId(name).textContent ?? '';
const done = (name = 'w') =>
  waitFor(() => expect(text(name)).toMatch(/done|Error/), { timeout: 15_000, interval: 20 });

describe('useVideo', () => {
  test('follows a job through its states to completion, with an ETA from the scheduler, then stops', async () => {
    const client = f.client();
    const start = Date.now();
    frozenAt = start; // queued until the clock moves
    const job = await client.videos.create({ prompt: 'a cat' });
    const states: { status?: string; progress?: number; etaMs?: number }[] = [];
    function Recorder() {
      const { status, progress, etaMs } = useVideo(job.id);
      states.push({ status, progress, etaMs });
      return null;
    }
    renderStrict(
      <>
        <Watcher id={job.id} />
        <Recorder />
      </>,
      client,
    );
    // Each state is seen before the clock moves on, however late the answers come: queued, two points of
    // progress (the estimate needs a rate), then the end.
    const progressOf = (status: string) =>
      states.filter((s) => s.status === status).map((s) => s.progress ?? 0);
    const wait = (check: () => boolean) =>
      waitFor(() => expect(check()).toBe(true), { timeout: 15_000, interval: 20 });
    await wait(() => progressOf('queued').length > 0);
    frozenAt = start + 600;
    await wait(() => progressOf('in_progress').length > 0);
    const first = progressOf('in_progress')[0]!;
    frozenAt = start + 1100;
    await wait(() => progressOf('in_progress').some((p) => p > first));
    frozenAt = start + 1500;
    await done();
    expect(text()).toBe('completed 100 done  ');
    const statuses = [...new Set(states.map((s) => s.status))];
    // In order (`queued` lasts 225 ms: a loaded machine may answer the first request after it).
    const order = [undefined, 'queued', 'in_progress', 'completed'];
    expect(statuses.map((s) => order.indexOf(s))).toEqual(
      statuses.map((s) => order.indexOf(s)).sort((a, b) => a - b),
    );
    expect(statuses).toEqual(expect.arrayContaining([undefined, 'in_progress', 'completed']));
    expect(statuses.at(-1)).toBe('completed');
    const progress = states.map((s) => s.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // never goes back
    // Once progress moved, the scheduler's estimate of the time left is there, shrinking towards the end.
    const etas = states
      .filter((s) => s.status === 'in_progress' && s.etaMs !== undefined)
      .map((s) => s.etaMs!);
    expect(etas.length).toBeGreaterThan(0);
    // A number, never negative, and of the job's order (it lasts a few seconds): an answer that a loaded
    // machine delays skews one rate sample, so the bound is wide; NaN, a negative or an absurd value fail.
    expect(etas.every((eta) => eta >= 0 && eta < 60_000)).toBe(true);
    expect(states.at(-1)?.etaMs).toBe(0);
    const requests = statusRequests(f.emu, job.id);
    await sleep(1_000);
    expect(statusRequests(f.emu, job.id)).toBe(requests); // stopped at the terminal state
  });

  test('an idle hook (null / undefined id) makes no request and is not pending', async () => {
    const client = f.client();
    f.emu.clearRequests();
    renderStrict(
      <>
        <Watcher id={null} />
        <Watcher id={undefined} name="u" />
      </>,
      client,
    );
    await sleep(300);
    expect(text()).toBe('undefined undefined   ');
    expect(text('u')).toBe('undefined undefined   ');
    expect(f.emu.requests()).toEqual([]);
  });

  test('StrictMode: the first status request is sent once', async () => {
    const client = f.client();
    frozenAt = Date.now(); // queued until the test ends, however late the first answer comes
    const job = await client.videos.create({ prompt: 'a dog' });
    renderStrict(<Watcher id={job.id} />, client);
    await waitFor(() => expect(text()).toContain('queued'));
    expect(statusRequests(f.emu, job.id)).toBe(1);
  });

  test('50 components on one job cost the status requests of one, and re-render once per answer', async () => {
    const client = f.client();
    const [one, many] = await Promise.all([
      client.videos.create({ prompt: 'one watcher' }),
      client.videos.create({ prompt: 'fifty watchers' }),
    ]);
    const commits = new Map<string, number>();
    const count = (id: string, phase: string) => {
      if (phase !== 'mount') commits.set(id, (commits.get(id) ?? 0) + 1);
    };
    const names = Array.from({ length: 50 }, (_, i) => `m${i}`);
    renderStrict(
      <>
        <Watcher id={one.id} name="one" />
        {names.map((name) => (
          <Profiler key={name} id={name} onRender={count}>
            <Watcher id={many.id} name={name} />
          </Profiler>
        ))}
        <Profiler id="bystander" onRender={count}>
          <p>not watching</p>
        </Profiler>
      </>,
      client,
    );
    await done('one');
    await done('m49');
    const single = statusRequests(f.emu, one.id);
    const shared = statusRequests(f.emu, many.id);
    // The two jobs run side by side on the same schedule; allow one request of jitter either way.
    expect(Math.abs(shared - single)).toBeLessThanOrEqual(1);
    // Every answer re-renders each watcher once (the first answer included), and nothing else.
    for (const name of names) expect(commits.get(name), name).toBe(shared);
    expect(commits.get('bystander')).toBeUndefined();
  });

  test('pauses while the page is hidden, and asks at once when it shows again', async () => {
    // The client's own requests, counted as they start and end: the test waits on them, not on a clock.
    let started = 0;
    let inFlight = 0;
    const client = f.client({
      fetch: async (url, init) => {
        started++;
        inFlight++;
        try {
          return await fetch(url, init);
        } finally {
          inFlight--;
        }
      },
    });
    const job = await client.videos.create({ prompt: 'a slow one', seconds: '12' });
    renderStrict(<Watcher id={job.id} />, client);
    await waitFor(() => expect(statusRequests(f.emu, job.id)).toBeGreaterThan(0));
    act(() => setPageVisible(false));
    await waitFor(() => expect(inFlight).toBe(0)); // a request sent just before may still be answered
    const before = started;
    await sleep(2_500); // nothing may start while hidden, however long
    expect(started).toBe(before);
    // Shown: the request starts in the same turn (the wake-up is a promise, no timer runs first).
    await act(async () => setPageVisible(true));
    expect(started).toBe(before + 1);
    await done();
  });

  test('a job first watched while the page is hidden is not asked about until the page shows', async () => {
    const client = f.client();
    const job = await client.videos.create({ prompt: 'a background tab' });
    setPageVisible(false);
    renderStrict(<Watcher id={job.id} />, client);
    await sleep(1_000);
    expect(statusRequests(f.emu, job.id)).toBe(0);
    act(() => setPageVisible(true));
    await done();
  });

  test('a failed job: VideoFailedError in `error`, nothing thrown in render, polling stops', async () => {
    const client = f.client();
    const job = await client.videos.create({ prompt: 'a scene [moderation-block]' });
    let error: unknown;
    function Failed() {
      const state = useVideo(job.id);
      error = state.error;
      return <p data-testid="w">{`${state.status} ${state.isPending} ${state.isDone}`}</p>;
    }
    renderStrict(<Failed />, client);
    await waitFor(() => expect(text()).toBe('failed false false'), { timeout: 10_000 });
    expect(error).toBeInstanceOf(VideoFailedError);
    expect((error as VideoFailedError).code).toBe('moderation_blocked');
    const requests = statusRequests(f.emu, job.id);
    await sleep(800);
    expect(statusRequests(f.emu, job.id)).toBe(requests);
  });

  test('an unknown id: NotFoundError, one request, and refresh() asks again', async () => {
    const client = f.client();
    const id = 'video_0000000000000000000000000000000000000000deadbeef';
    let refresh = () => {};
    function Missing() {
      const state = useVideo(id);
      refresh = state.refresh;
      return <p data-testid="w">{state.error instanceof NotFoundError ? 'not found' : 'waiting'}</p>;
    }
    renderStrict(<Missing />, client);
    await waitFor(() => expect(text()).toBe('not found'));
    await sleep(500);
    expect(statusRequests(f.emu, id)).toBe(1);
    act(() => refresh());
    await waitFor(() => expect(statusRequests(f.emu, id)).toBe(2));
  });

  test('suspense: suspends until the first answer, with one poller', async () => {
    const client = f.client();
    const job = await client.videos.create({ prompt: 'suspended' });
    function Suspended() {
      const { status } = useVideo(job.id, { suspense: true });
      return <p data-testid="s">{status}</p>;
    }
    renderStrict(
      <Suspense fallback={<p data-testid="s">loading</p>}>
        <Suspended />
      </Suspense>,
      client,
    );
    expect(screen.getByTestId('s').textContent).toBe('loading');
    await waitFor(() => expect(screen.getByTestId('s').textContent).toMatch(/queued|in_progress/));
    // One poller: its requests follow the schedule (the emulator asks for 150 ms between them), with no
    // second request alongside the first from StrictMode's double render or the retried render.
    const times = requestsTo(f.emu, 'GET', `/v1/videos/${job.id}`).map((r) => r.at);
    expect(times.length).toBeGreaterThan(0);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
  });
});
