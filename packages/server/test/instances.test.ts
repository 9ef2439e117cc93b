// Many instances, for real: three handler processes (the built package behind the Node adapter) share one
// store (a real PostgreSQL 15, a real redis-server) in front of the emulator, a process of its own. The
// policy holds across them, ownership follows the user to any instance, a killed instance's slot comes
// back after the TTL, a webhook runs once wherever it lands, and a restart of all of them loses nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@sora-kit/test-support/postgres';
import { startRedis } from '@sora-kit/test-support/redis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Gate, startGate } from './gate.js';
import { KEY } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'instance.mjs');
const emulatorBin = join(
  dirname(createRequire(import.meta.url).resolve('@sora-kit/emulator/package.json')),
  'dist',
  'bin.js',
);
const raw = Buffer.from('multi-instance webhook secret 32');
const WEBHOOK_SECRET = `whsec_${raw.toString('base64')}`;
/** How long a reservation of a dead instance holds its slot in these tests. */
const TTL_MS = 6000;

interface Proc {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `node args…` and resolves once its stdout matches `ready` (group 1 is its URL or port). */
async function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const found = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = ready.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${out}\n${err}`)));
  });
  return {
    child,
    url: /^\d+$/.test(found) ? `http://127.0.0.1:${found}` : found,
    stdout: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The tag the handler puts before a user's Idempotency-Keys: it tells whose creates reached the API. */
const tagOf = (user: string) => `u${createHash('sha256').update(user).digest('hex').slice(0, 16)}-`;

const sign = (id: string, timestamp: number, body: string) =>
  `v1,${createHmac('sha256', raw).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

/** Polls `check` until it answers, up to a bound (a loaded machine is slow, never stuck). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const backends = [
  ['PostgreSQL 15', 'postgres', async () => startPostgres()],
  ['Redis', 'redis', async () => startRedis()],
] as const;

describe.each(backends)('three instances on one %s', (_name, kind, startStore) => {
  let emulator: Proc;
  let gate: Gate;
  let stopStore: () => Promise<void>;
  let storeUrl: string;
  let instances: Proc[] = [];
  const others: Proc[] = [];

  const instance = (policy: { maxInFlight: number; perWindow: number }, baseUrl = gate.url) =>
    start(
      [fixture],
      {
        STORE: kind,
        STORE_URL: storeUrl,
        SORA_BASE_URL: baseUrl,
        SORA_API_KEY: KEY,
        WEBHOOK_SECRET,
        MAX_IN_FLIGHT: String(policy.maxInFlight),
        MAX_PER_WINDOW: String(policy.perWindow),
        TTL_MS: String(TTL_MS),
      },
      /listening on (\d+)/,
    );
  const phaseA = { maxInFlight: 2, perWindow: 100 };
  const phaseB = { maxInFlight: 100, perWindow: 2 };

  const as = (at: Proc, user: string, path: string, init: RequestInit = {}) =>
    fetch(`${at.url}/api/sora${path}`, {
      ...init,
      headers: { cookie: `session=${user}`, origin: at.url, ...(init.headers as Record<string, string>) },
    });
  const create = (at: Proc, user: string) =>
    as(at, user, '/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":"one of many"}',
    });
  const listed = async (at: Proc, user: string) =>
    ((await (await as(at, user, '/v1/videos?limit=100')).json()) as { data: { id: string }[] }).data.map(
      (v) => v.id,
    );
  /** Creates of `user` that reached the API, from the emulator's own request log. */
  const reached = async (user: string) => {
    const { data } = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as {
      data: { method: string; path: string; idempotencyKey?: string }[];
    };
    return data.filter(
      (r) => r.method === 'POST' && r.path === '/v1/videos' && r.idempotencyKey?.startsWith(tagOf(user)),
    ).length;
  };

  beforeAll(async () => {
    const store = await startStore();
    storeUrl = store.url;
    stopStore = () => store.stop();
    emulator = await start(
      [emulatorBin, '--port', '0', '--quiet', '--job-seconds', '0.5', '--api-key', KEY],
      {},
      /sora-emulator listening on (http:\/\/\S+)/,
    );
    gate = await startGate(emulator.url);
    instances = await Promise.all([1, 2, 3].map(() => instance(phaseA)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...instances, ...others].map((p) => p.stop('SIGKILL')));
    await gate?.close();
    await emulator?.stop();
    await stopStore?.();
  });

  test('a user is at home on every instance; another user is a stranger on every one', async () => {
    const [one, two, three] = instances as [Proc, Proc, Proc];
    const made = await create(one, 'alice');
    expect(made.status).toBe(200);
    const { id } = (await made.json()) as { id: string };
    await eventually(async () => {
      const job = (await (await as(two, 'alice', `/v1/videos/${id}`)).json()) as { status: string };
      return job.status === 'completed' ? true : undefined;
    }, 'the job to complete, polled on instance 2');
    const video = await as(three, 'alice', `/v1/videos/${id}/content`);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    for (const at of instances) expect(await listed(at, 'alice')).toEqual([id]);
    for (const at of instances) {
      for (const path of [`/v1/videos/${id}`, `/v1/videos/${id}/content`]) {
        expect((await as(at, 'bob', path)).status, `${at.url}${path}`).toBe(404);
      }
      expect((await as(at, 'bob', `/v1/videos/${id}`, { method: 'DELETE' })).status).toBe(404);
      expect(await listed(at, 'bob')).toEqual([]);
    }
    expect((await as(one, 'alice', `/v1/videos/${id}`, { method: 'DELETE' })).status).toBe(200);
    for (const at of instances) expect(await listed(at, 'alice')).toEqual([]);
    // A job for the restart below.
    expect((await create(two, 'alice')).status).toBe(200);
  });

  test('30 concurrent creates over 3 instances, maxInFlight 2: exactly 2 reach the API', async () => {
    // The admitted creates wait at the gate until every other answer is in: none can finish and free a
    // slot early, so the count is the store's alone.
    gate.hold(2);
    let answered = 0;
    const pending = Array.from({ length: 30 }, (_, i) =>
      create(instances[i % 3]!, 'carol').finally(() => answered++),
    );
    await eventually(async () => (answered >= 28 ? true : undefined), 'the refusals');
    gate.open();
    const statuses = await Promise.all(pending);
    const codes = await Promise.all(
      statuses.map(async (r) =>
        r.status === 200 ? 'ok' : ((await r.json()) as { error: { code: string } }).error.code,
      ),
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(2);
    expect(codes.filter((c) => c === 'too_many_jobs_in_flight')).toHaveLength(28);
    expect(await reached('carol')).toBe(2);
  });

  test('an instance killed after reserve, before its create: the slot is free again after the TTL', async () => {
    // Two more instances on the same store with maxInFlight 1, so that the dead reservation is the only
    // thing that can hold kim's slot (no job of hers can finish and free it instead).
    const stuck = await startGate(emulator.url);
    const single = { maxInFlight: 1, perWindow: 100 };
    const [doomed, watcher] = await Promise.all([instance(single, stuck.url), instance(single)]);
    others.push(doomed, watcher);
    try {
      const arrived = stuck.hold(1);
      const lost = create(doomed, 'kim').catch(() => 'cut');
      await arrived; // reserved, and its create never reached the API: kill the instance now
      const reservedBy = Date.now();
      await doomed.stop('SIGKILL');
      expect(await lost).toBe('cut');
      const refused = await create(watcher, 'kim');
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'too_many_jobs_in_flight',
      );
      await eventually(
        async () => ((await create(watcher, 'kim')).status === 200 ? true : undefined),
        'the dead reservation to expire',
      );
      expect(Date.now() - reservedBy).toBeGreaterThan(TTL_MS - 1000);
      expect(await reached('kim')).toBe(1);
    } finally {
      await stuck.close();
    }
  });

  test('a webhook delivered twice, to two instances (and again to a third): onEvent runs once', async () => {
    const id = `evt_${kind}_once`;
    const body = JSON.stringify({
      id,
      object: 'event',
      created_at: Math.floor(Date.now() / 1000),
      type: 'video.completed',
      data: { id: 'video_0000000000000001' },
    });
    const deliver = (at: Proc) => {
      const timestamp = Math.floor(Date.now() / 1000);
      return fetch(`${at.url}/hooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': sign(id, timestamp, body),
        },
        body,
      });
    };
    const [one, two, three] = instances as [Proc, Proc, Proc];
    const statuses = (await Promise.all([deliver(one), deliver(two)])).map((r) => r.status).sort();
    // One ran it (204); the other found it handled (204) or being handled (409: the sender retries).
    expect(statuses[0]).toBe(204);
    expect([204, 409]).toContain(statuses[1]);
    expect((await deliver(three)).status).toBe(204);
    const runs = instances.map(
      (p) =>
        p
          .stdout()
          .split('\n')
          .filter((l) => l === `event ${id}`).length,
    );
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
  });

  test('restart all three: every user still sees every job; maxJobsPerWindow holds across them', async () => {
    const before = {
      alice: await listed(instances[0]!, 'alice'),
      carol: await listed(instances[0]!, 'carol'),
    };
    expect(before.alice).toHaveLength(1);
    expect(before.carol).toHaveLength(2);
    await Promise.all(instances.map((p) => p.stop()));
    instances = await Promise.all([1, 2, 3].map(() => instance(phaseB)));
    for (const at of instances) {
      expect(await listed(at, 'alice')).toEqual(before.alice);
      expect(await listed(at, 'carol')).toEqual(before.carol);
      expect((await as(at, 'bob', `/v1/videos/${before.alice[0]}`)).status).toBe(404);
    }
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => create(instances[i % 3]!, 'dave')),
    );
    const codes = await Promise.all(
      answers.map(async (r) =>
        r.status === 200 ? 'ok' : ((await r.json()) as { error: { code: string } }).error.code,
      ),
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(2);
    expect(codes.filter((c) => c === 'job_quota_exceeded')).toHaveLength(28);
    expect(await reached('dave')).toBe(2);
  });
});
