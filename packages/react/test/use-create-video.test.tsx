// biome-ignore-all lint/correctness/noComponentHookFactories: each test's components close over that test's job and counters
import {
  APIUserAbortError,
  RateLimitError,
  ValidationError,
  type Video,
  type VideoCreateParams,
} from '@sora-kit/core';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { type UseCreateVideoOptions, type UseCreateVideoResult, useCreateVideo } from '../src/index.js';
import { emulatorForFile, renderStrict, requestsTo, sleep, statusRequests } from './support.js';

const f = emulatorForFile({ jobSeconds: 1.5 });
afterEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  f.emu.faults.clear();
});

const IDLE = 'undefined undefined';
const creates = () => requestsTo(f.emu, 'POST', '/v1/videos');
let hook: UseCreateVideoResult;

function Generator({
  params = { prompt: 'a tiger in a farmyard' },
  options,
}: {
  params?: VideoCreateParams;
  options?: UseCreateVideoOptions;
}) {
  hook = useCreateVideo(options);
  const { create, status, progress, isCreating, isPending, isDone, error, video } = hook;
  return (
    <div>
      <button type="button" onClick={() => create(params)}>
        Generate
      </button>
      <p data-testid="state">
        {[
          String(status),
          String(progress),
          isCreating && 'creating',
          isPending && 'pending',
          isDone && 'done',
          error?.name,
        ]
          .filter(Boolean)
          .join(' ')}
      </p>
      <p data-testid="id">{video?.id ?? ''}</p>
    </div>
  );
}
const state = () => screen.getByTestId('state').textContent ?? '';
const shownId = () => screen.getByTestId('id').textContent ?? '';
const until = (pattern: RegExp) =>
  waitFor(() => expect(state()).toMatch(pattern), { timeout: 15_000, interval: 20 });

describe('useCreateVideo', () => {
  test('a double click starts one job, which is then followed to completion', async () => {
    const client = f.client();
    f.emu.clearRequests();
    renderStrict(<Generator />, client);
    const button = screen.getByRole('button');
    fireEvent.click(button);
    fireEvent.click(button);
    expect(state()).toContain('creating');
    await until(/done/);
    expect(state()).toBe('completed 100 done');
    expect(creates()).toHaveLength(1);
    const id = shownId();
    expect(f.emu.videos().map((v) => v.id)).toContain(id);
    expect(statusRequests(f.emu, id)).toBeGreaterThan(0);
  });

  test('each create call is one job with its own Idempotency-Key', async () => {
    const client = f.client();
    f.emu.clearRequests();
    renderStrict(<Generator />, client);
    let first: Video | undefined;
    let second: Video | undefined;
    await act(async () => {
      first = await hook.create({ prompt: 'first' });
    });
    await act(async () => {
      second = await hook.create({ prompt: 'second' });
    });
    expect(first?.id).not.toBe(second?.id);
    const keys = creates().map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    expect(shownId()).toBe(second?.id); // the latest job is followed
  });

  test('create from an effect under StrictMode (run twice) starts one job', async () => {
    const client = f.client();
    f.emu.clearRequests();
    function AutoStart() {
      const { create, status } = useCreateVideo();
      useEffect(() => {
        create({ prompt: 'started on mount' });
      }, [create]);
      return <p data-testid="state">{String(status)}</p>;
    }
    renderStrict(<AutoStart />, client);
    await waitFor(() => expect(state()).toBe('completed'), { timeout: 15_000 });
    expect(creates()).toHaveLength(1);
  });

  test('persist: a reload resumes following the job, and the saved id is cleared at the end', async () => {
    const first = f.client();
    f.emu.clearRequests();
    const { unmount } = renderStrict(<Generator options={{ persist: 'session' }} />, first);
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => expect(shownId()).not.toBe(''));
    const id = shownId();
    expect(sessionStorage.getItem('sora-kit:video')).toBe(id);
    unmount();

    // The reload: a new client, a new tree, nothing in memory but the session storage.
    const second = f.client();
    renderStrict(<Generator options={{ persist: 'session' }} />, second);
    await waitFor(() => expect(shownId()).toBe(id));
    await until(/done/);
    expect(creates()).toHaveLength(1);
    expect(sessionStorage.getItem('sora-kit:video')).toBeNull();
  });

  test('persist: a garbage saved id is ignored and removed, without a request', async () => {
    localStorage.setItem('my-key', '../../etc/passwd');
    f.emu.clearRequests();
    renderStrict(<Generator options={{ persist: 'local', persistKey: 'my-key' }} />, f.client());
    await sleep(300);
    expect(localStorage.getItem('my-key')).toBeNull();
    expect(state()).toBe(IDLE);
    expect(f.emu.requests()).toEqual([]);
  });

  test('reset forgets the job and its saved id; the job keeps running on the server', async () => {
    renderStrict(<Generator options={{ persist: 'local' }} />, f.client());
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => expect(shownId()).not.toBe(''));
    const id = shownId();
    act(() => hook.reset());
    expect(state()).toBe(IDLE);
    expect(localStorage.getItem('sora-kit:video')).toBeNull();
    expect(f.emu.videos().map((v) => v.id)).toContain(id);
  });

  test('cancel({ delete: true }) deletes the job on the server and stops polling', async () => {
    renderStrict(<Generator options={{ persist: 'session' }} />, f.client());
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => expect(shownId()).not.toBe(''));
    const id = shownId();
    await act(() => hook.cancel({ delete: true }));
    expect(requestsTo(f.emu, 'DELETE', `/v1/videos/${id}`)).toHaveLength(1);
    expect(f.emu.videos().map((v) => v.id)).not.toContain(id);
    expect(sessionStorage.getItem('sora-kit:video')).toBeNull();
    const polled = statusRequests(f.emu, id);
    await sleep(1_000);
    expect(statusRequests(f.emu, id)).toBe(polled);
    expect(state()).toBe(IDLE);
  });

  test('cancel({ delete: true }) while the create is under way deletes the job when its id arrives', async () => {
    f.emu.clearRequests();
    f.emu.faults.add({ kind: 'latency', latencyMs: 400, method: 'POST', path: '/v1/videos' });
    renderStrict(<Generator />, f.client());
    let outcome: unknown;
    act(() => {
      hook.create({ prompt: 'cancelled early' }).catch((error) => {
        outcome = error;
      });
    });
    await act(() => hook.cancel({ delete: true }));
    expect(state()).toBe(IDLE);
    await waitFor(() => expect(outcome).toBeInstanceOf(APIUserAbortError));
    const [create] = creates();
    await waitFor(() => expect(f.emu.requests().some((r) => r.method === 'DELETE')).toBe(true));
    expect(create?.status).toBe(200);
    expect(f.emu.videos().filter((v) => v.prompt === 'cancelled early')).toEqual([]);
    await sleep(500);
    expect(f.emu.requests().filter((r) => r.method === 'GET')).toEqual([]); // never followed
  });

  test('a rate-limited create: RateLimitError in `error`, the promise rejects, nothing thrown in render', async () => {
    f.emu.faults.add({ kind: 'rate-limit', method: 'POST', path: '/v1/videos' });
    renderStrict(<Generator />, f.client());
    let outcome: unknown;
    await act(async () => {
      outcome = await hook.create({ prompt: 'too many' }).catch((error) => error);
    });
    expect(outcome, String(outcome)).toBeInstanceOf(RateLimitError);
    expect(hook.error).toBe(outcome);
    expect(state()).toBe('undefined undefined RateLimitError');
  });

  test('a new create clears the previous job: a refused one shows only its own error', async () => {
    renderStrict(<Generator options={{ persist: 'session' }} />, f.client());
    await act(async () => {
      await hook.create({ prompt: 'the first job [moderation-block]' });
    });
    await until(/failed .*VideoFailedError/);
    expect(shownId()).not.toBe('');
    let outcome: unknown;
    await act(async () => {
      outcome = await hook.create({ prompt: '   ' }).catch((error) => error);
    });
    expect(outcome).toBeInstanceOf(ValidationError);
    // Nothing of the failed job is left: not its status, its id, its progress nor its error.
    expect(state()).toBe('undefined undefined ValidationError');
    expect(shownId()).toBe('');
    expect(hook.video).toBeUndefined();
    expect(sessionStorage.getItem('sora-kit:video')).toBeNull();
  });

  test('invalid parameters: ValidationError naming the field, and no request', async () => {
    f.emu.clearRequests();
    renderStrict(<Generator params={{ prompt: 'x', seconds: '5' as '4' }} />, f.client());
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => expect(hook.error).toBeInstanceOf(ValidationError));
    expect((hook.error as ValidationError).field).toBe('seconds');
    expect(f.emu.requests()).toEqual([]);
  });
});
