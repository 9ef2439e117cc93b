import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSoraClient, type SoraClient } from '@sora-kit/core';
import { type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { createSoraHandler, type JobStore, type SoraHandler, type SoraHandlerOptions } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';

/** The key tests use: unique enough that finding it anywhere means it leaked. */
export const KEY = 'sk-test-Zq8vN3kLp0Wx7Rt2-server';

/** The tests' sign-in: a `session=<user>` cookie (any value is that user). */
export const cookieAuth: SoraHandlerOptions['authorize'] = (request) => {
  const user = /(?:^|;\s*)session=([a-z]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
  return user ? { userId: user } : null;
};

export interface App {
  url: string;
  handler: SoraHandler;
  server: Server;
  /** A browser-mode client (no key) of `user`, sending the same-origin `Origin` a page would. */
  client(user: string): SoraClient;
  /** `fetch` on the app as `user`'s page would send it (cookie + same-origin Origin). */
  as(user: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The handler behind Node's http server on a free port. */
export async function startApp(options: Partial<SoraHandlerOptions> & { baseUrl: string }): Promise<App> {
  const handler = createSoraHandler({ apiKey: KEY, authorize: cookieAuth, ...options });
  const server = createServer(toNodeListener(handler));
  const url = await listen(server);
  const headers = (user: string) => ({ cookie: `session=${user}`, origin: url });
  return {
    url,
    handler,
    server,
    client: (user) =>
      createSoraClient({ apiKey: null, baseUrl: `${url}/api/sora`, headers: headers(user), maxRetries: 0 }),
    as: (user, path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { ...headers(user), ...(init.headers as Record<string, string>) },
      }),
    close: () => closeServer(server),
  };
}

export async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  return startEmulator({ jobSeconds: 0.3, apiKey: KEY, quiet: true, ...options });
}

/** Records `ids` as `userId`'s jobs in `store`, as the handler does after the API made them (reserve, then commit). */
export async function own(store: JobStore, userId: string, ids: readonly string[]): Promise<void> {
  const limits = {
    maxInFlight: Number.POSITIVE_INFINITY,
    maxPerWindow: Number.POSITIVE_INFINITY,
    windowMs: 1,
  };
  for (const id of ids) {
    const now = Date.now();
    const slot = await store.reserve({ userId, kind: 'video', limits, now, ttlMs: 60_000 });
    if (!slot.ok) throw new Error(`the store refused a slot: ${slot.limit}`);
    await store.commit(slot.reservation, { userId, id, kind: 'video', createdAt: now });
  }
}

/**
 * Reads a job every `everyMs` until it ends, as an impatient page would: more often than the shared status
 * entry goes stale, so the upstream reads it causes are the status hub's own schedule (one per interval),
 * however slow the machine. The baseline of the coalescing tests: a reader that follows the poll-after hint
 * adds its own round trip to every interval, and on a loaded machine asks less often than a crowd does.
 */
export async function readUntilDone(client: SoraClient, id: string, everyMs = 50): Promise<string> {
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (video.status === 'completed' || video.status === 'failed') return video.status;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
