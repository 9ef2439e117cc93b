import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from './index.js';

// The `now` option: jobs are read by the clock a test gives, so a test moves a job on cue.
let clock = 1_800_000_000_000;
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ jobSeconds: 10, quiet: true, now: () => clock });
});
afterAll(() => emu?.close());

const retrieve = async (id: string) =>
  (await (await fetch(`${emu.url}/v1/videos/${id}`, { headers: { authorization: 'Bearer k' } })).json()) as {
    status: string;
    progress: number;
    created_at: number;
  };

describe('a job on a clock the test moves', () => {
  test('stays where the clock is, and moves only with it', async () => {
    const created = await fetch(`${emu.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a clock' }),
    });
    const { id, created_at } = (await created.json()) as { id: string; created_at: number };
    expect(created_at).toBe(1_800_000_000);
    expect(await retrieve(id)).toMatchObject({ status: 'queued', progress: 0 });
    expect(await retrieve(id)).toMatchObject({ status: 'queued', progress: 0 });
    clock += 5_000;
    expect(await retrieve(id)).toMatchObject({ status: 'in_progress' });
    clock += 5_000;
    expect(await retrieve(id)).toMatchObject({ status: 'completed', progress: 100 });
  });
});
