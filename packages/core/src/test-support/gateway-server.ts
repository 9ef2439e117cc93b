/// <reference types="node" />
/**
 * A small server that answers like the gateways do (gpt.ge first), for what the emulator deliberately
 * does not do: `/content` as JSON `{id, url, expires_at, status: "ready"}` with the url on a second port
 * (which records any Authorization header it receives, so tests can fail on it), status names such as
 * `NOT_START`, `processing`, `PROCESSING`, `expired` or unknown ones, no `openai-poll-after-ms`, progress
 * rising linearly with a clock the test may control, canned error answers (`Retry-After` 429s, keys echoed
 * in messages), and a download host with ETag, Range/If-Range, cuts and short bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request either server received. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The server clock when it arrived. */
  at: number;
  body: string;
}

/** An answer to give instead of the normal one. */
export interface CannedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only for requests whose path matches. Default: any API request. */
  path?: RegExp;
}

/** How the next download answer misbehaves. */
export interface FileFault {
  /** Drop the connection after this many body bytes. */
  cutAfter?: number;
  /**
   * With `cutAfter`: drop it only once this settles (e.g. when the client reports its first bytes). A
   * connection dropped at once can take bytes the client received but had not read yet with it (an
   * errored stream discards its queue), so a test of resuming from kept bytes waits for them.
   */
  cutWhen?: Promise<unknown>;
  /** Answer a range with fewer bytes than `Content-Range` declares (sent chunked, so fetch cannot tell). */
  short?: number;
  /** Send this many body bytes, then nothing more (the connection stays open). */
  stallAfter?: number;
}

export interface GatewayOptions {
  /** The only key accepted; a wrong one gets a 401 that echoes it (as some gateways do). */
  apiKey?: string;
  /** Job time in clock ms, progress rising linearly from 0 to 100 over it. Default 2000. */
  jobMs?: number;
  /** Share of the job time spent `queued` at progress 0 before it rises. Default 0. */
  queuedShare?: number;
  /** The server's clock in ms. Default: `performance.now()`. Share a fake one with the poller. */
  now?: () => number;
  /** Status names by phase. Default gpt.ge-like: `NOT_START`, `processing`, `completed`. */
  names?: { queued: string; running: string; done: string };
  /** The media served by the download host. Default: 3 MiB of a counting pattern. */
  media?: Uint8Array;
  /** `/content` answers a 302 to the download host instead of JSON. Default false. */
  redirectContent?: boolean;
}

interface Job {
  id: string;
  createdAt: number;
  body: unknown;
  /** Raw statuses to report on the next polls, in order, before the clock-driven ones. */
  script: string[];
}

export interface Gateway {
  url: string;
  filesUrl: string;
  /** Requests to the API, oldest first. */
  requests: SeenRequest[];
  /** Requests to the download host. */
  filesRequests: SeenRequest[];
  jobs: Map<string, Job>;
  /** Answers the next matching API requests with these, in order. */
  canned: CannedAnswer[];
  /** Misbehaviours of the next download answers, in order. */
  fileFaults: FileFault[];
  /** The download host's current ETag (change it to simulate a replaced file). */
  etag: string;
  media: Uint8Array;
  /** Makes a job report these raw statuses on its next polls. */
  script(id: string, ...statuses: string[]): void;
  close(): Promise<void>;
}

const pattern = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 12)) & 0xff);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('latin1');
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error) => {
      res.destroy(error as Error);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Starts the API and its download host on two loopback ports. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const now = options.now ?? (() => performance.now());
  const jobMs = options.jobMs ?? 2000;
  const queuedMs = jobMs * (options.queuedShare ?? 0);
  const names = options.names ?? { queued: 'NOT_START', running: 'processing', done: 'completed' };
  let seq = 0;

  const seen = async (req: IncomingMessage): Promise<SeenRequest> => {
    const url = new URL(req.url ?? '/', 'http://x');
    return {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      at: now(),
      body: await readBody(req),
    };
  };

  const view = (job: Job) => {
    const elapsed = now() - job.createdAt;
    const progress = Math.max(
      0,
      Math.min(100, Math.floor(((elapsed - queuedMs) / (jobMs - queuedMs)) * 100)),
    );
    const scripted = job.script.shift();
    const done = elapsed >= jobMs;
    const status = scripted ?? (done ? names.done : progress > 0 ? names.running : names.queued);
    const {
      model = 'sora-2',
      seconds = '4',
      size = '720x1280',
      prompt,
    } = (job.body ?? {}) as Record<string, string>;
    return {
      id: job.id,
      object: 'video',
      created_at: Math.floor(job.createdAt / 1000),
      status,
      progress: done ? 100 : progress,
      model,
      seconds,
      size,
      prompt,
      completed_at: null,
      expires_at: null,
      error: status === 'failed' ? { code: 'moderation_blocked', message: 'Blocked.' } : null,
    };
  };

  const gateway: Gateway = {
    url: '',
    filesUrl: '',
    requests: [],
    filesRequests: [],
    jobs: new Map(),
    canned: [],
    fileFaults: [],
    etag: '"media-v1"',
    media: options.media ?? pattern(3 * 1024 * 1024),
    script(id, ...statuses) {
      gateway.jobs.get(id)?.script.push(...statuses);
    },
    close: async () => {},
  };

  const api = await listen(async (req, res) => {
    const request = await seen(req);
    gateway.requests.push(request);
    const cannedAt = gateway.canned.findIndex((c) => !c.path || c.path.test(request.path));
    if (cannedAt >= 0) {
      const [canned] = gateway.canned.splice(cannedAt, 1);
      return json(res, canned!.status, canned!.body ?? {}, canned!.headers);
    }
    const auth = req.headers.authorization ?? '';
    if (options.apiKey && auth !== `Bearer ${options.apiKey}`) {
      const given = auth.replace(/^Bearer /, '');
      return json(res, 401, {
        error: {
          message: `Incorrect API key provided: ${given}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
    const [, , , id, rest] = request.path.split('/');
    if (request.method === 'POST' && request.path === '/v1/videos') {
      const type = req.headers['content-type'] ?? '';
      const body = type.includes('json') ? JSON.parse(request.body) : { multipart: true };
      const job: Job = { id: `video_gw${++seq}`, createdAt: now(), body, script: [] };
      gateway.jobs.set(job.id, job);
      return json(res, 200, view(job));
    }
    const job = id ? gateway.jobs.get(id) : undefined;
    if (!job)
      return json(res, 404, {
        error: {
          message: `Video with id '${id}' not found.`,
          type: 'invalid_request_error',
          code: 'not_found',
        },
      });
    if (request.method === 'GET' && rest === undefined) return json(res, 200, view(job));
    if (request.method === 'GET' && rest === 'content') {
      const link = `${gateway.filesUrl}/f/${job.id}.mp4?sig=abc`;
      if (options.redirectContent) {
        res.writeHead(302, { location: link });
        return void res.end();
      }
      return json(res, 200, {
        id: job.id,
        url: link,
        expires_at: Math.floor(Date.now() / 1000) + 3600,
        status: 'ready',
      });
    }
    json(res, 404, { error: { message: 'No route', type: 'invalid_request_error' } });
  });

  const files = await listen(async (req, res) => {
    gateway.filesRequests.push(await seen(req));
    const { media, etag } = gateway;
    const fault = gateway.fileFaults.shift() ?? {};
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const start = range && (!ifRange || ifRange === etag) ? Number(range[1]) : 0;
    const body = media.subarray(start);
    const headers: Record<string, string> = { 'content-type': 'video/mp4', etag, 'accept-ranges': 'bytes' };
    if (start) headers['content-range'] = `bytes ${start}-${media.length - 1}/${media.length}`;
    if (fault.short === undefined) headers['content-length'] = String(body.length);
    res.writeHead(start ? 206 : 200, headers);
    if (fault.stallAfter !== undefined) {
      res.write(body.subarray(0, fault.stallAfter));
      return;
    }
    if (fault.cutAfter !== undefined) {
      const cutWhen = fault.cutWhen;
      res.write(body.subarray(0, fault.cutAfter), () => {
        if (cutWhen) void cutWhen.then(() => res.destroy());
        else res.destroy();
      });
      return;
    }
    res.end(fault.short === undefined ? body : body.subarray(0, body.length - fault.short));
  });

  gateway.url = origin(api);
  gateway.filesUrl = origin(files);
  gateway.close = async () => {
    for (const server of [api, files]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  };
  return gateway;
}

/** A clock that only moves when the code under test sleeps: polling becomes deterministic. */
export function fakeClock(start = 0) {
  let time = start;
  return {
    now: () => time,
    async sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) throw signal.reason;
      time += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
    advance(ms: number) {
      time += ms;
    },
  };
}
