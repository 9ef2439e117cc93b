/**
 * `startEmulator`: the app on real Node listeners, one for the API and, in `url` content mode, a
 * second one on another port for the download origin (a different origin, as gateways' CDNs are).
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { createEmulatorApp, type EmulatorApp } from './app.js';
import { CUT_MARKER_HEADER } from './fault-injection.js';
import type { EmulatorOptions } from './options.js';

/** A running emulator. */
export interface RunningEmulator extends Omit<EmulatorApp, 'close' | 'fetch' | 'filesFetch' | 'app'> {
  /** The API's base URL, e.g. `http://127.0.0.1:4010` (the OpenAI SDK's `baseURL` is this plus `/v1`). */
  readonly url: string;
  /** The download origin's base URL in `url` mode, else `undefined`. */
  readonly filesUrl: string | undefined;
  /** The API's TCP port. */
  readonly port: number;
  /** The app behind the listeners (fetch handlers and Hono app). */
  readonly app: EmulatorApp;
  /** Stops listening, drops open (keep-alive) connections and stops timers; resolves when closed. */
  close(): Promise<void>;
}

type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

/**
 * Answers a response marked by the `cut` fault directly on the socket: status and headers, the bytes
 * before the cut, then the connection is destroyed. (The adapter would also drop the connection when
 * the body fails, but it logs that as an error and may send a 500 if the failure came early.)
 */
async function cutOnSocket(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (key !== CUT_MARKER_HEADER) headers[key] = value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.flushHeaders();
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      await new Promise<void>((resolve) => outgoing.write(chunk.value, () => resolve()));
    }
  } catch {
    // The body failed at the cut, as intended.
  }
  outgoing.destroy();
}

function adapt(
  handler: FetchHandler,
): (request: Request, env: HttpBindings | Http2Bindings) => Promise<Response> {
  return async (request, env) => {
    const response = await handler(request, env);
    if (!response.headers.has(CUT_MARKER_HEADER)) return response;
    // Only HTTP/1.1 listeners are created, so the outgoing side is a ServerResponse.
    await cutOnSocket(response, env.outgoing as ServerResponse);
    return RESPONSE_ALREADY_SENT;
  };
}

async function listen(handler: FetchHandler, port: number, host: string): Promise<Server> {
  // overrideGlobalObjects: false, because this runs inside users' test processes: the adapter's faster
  // Request/Response stand-ins must not replace the globals their code and their SDKs use.
  const server = createAdaptorServer({ fetch: adapt(handler), overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open (and a test process with it).
    server.closeAllConnections();
  });
}

const urlOf = (server: Server, host: string) => {
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { port, url: `http://${shown}:${port}` };
};

/**
 * Starts an emulator on `host:port` (default `127.0.0.1`, any free port) and, in `url` content mode,
 * its download origin on `host:filesPort`.
 *
 * @example
 * const emulator = await startEmulator({ jobSeconds: 0.3 });
 * const client = new OpenAI({ apiKey: 'test', baseURL: `${emulator.url}/v1` });
 * // …
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const app = createEmulatorApp(options);
  const servers: Server[] = [];
  try {
    const api = await listen(app.fetch, options.port ?? 0, host);
    servers.push(api);
    let filesUrl: string | undefined;
    if ((options.contentMode ?? 'bytes') === 'url' && options.filesBaseUrl === undefined) {
      const files = await listen(app.filesFetch, options.filesPort ?? 0, host);
      servers.push(files);
      filesUrl = urlOf(files, host).url;
      app.filesBaseUrl = filesUrl;
    }
    const { url, port } = urlOf(api, host);
    let closing: Promise<void> | undefined;
    return {
      url,
      filesUrl,
      port,
      app,
      get filesBaseUrl() {
        return app.filesBaseUrl;
      },
      set filesBaseUrl(value) {
        app.filesBaseUrl = value;
      },
      requests: app.requests,
      clearRequests: app.clearRequests,
      faults: app.faults,
      webhookDeliveries: app.webhookDeliveries,
      videos: app.videos,
      close() {
        closing ??= (async () => {
          app.close();
          await Promise.all(servers.map(closeServer));
        })();
        return closing;
      },
    };
  } catch (error) {
    app.close();
    await Promise.all(servers.map(closeServer));
    throw error;
  }
}
