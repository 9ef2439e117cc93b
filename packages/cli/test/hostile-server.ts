/**
 * A server that speaks the /v1/videos protocol but fills every string it can with terminal escapes: a
 * window title (OSC), a screen clear (CSI), C1 controls, a bidi override, and line breaks followed by a
 * fake "✓ Saved" line. What the CLI prints from it must show all of that escaped.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The pieces of a hostile string, each an attack of its own. */
export const EVIL = {
  title: '\u001b]0;PWNED-TITLE\u0007',
  clear: '\u001b[2J\u001b[H',
  c1: '\u009b2J\u009d0;PWNED-C1\u009c',
  fakeLine: '\n✓ Saved FAKE.mp4',
  carriage: '\r\u001b[2K✓ FAKE completed',
  bidi: '\u202eFAKE',
};
/** All of them in one string. */
export const EVIL_TEXT = Object.values(EVIL).join('');

/** Any raw control a terminal could act on (what the CLI must never print from a server). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function evilVideo(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    object: 'video',
    created_at: 1_760_000_000,
    status: `in_progress${EVIL.title}`,
    progress: 40,
    model: `sora-2${EVIL.clear}`,
    seconds: '4',
    size: `720x1280${EVIL.c1}`,
    prompt: `a tiger${EVIL.fakeLine}`,
    remixed_from_video_id: null,
    error: { code: `bad${EVIL.bidi}`, message: `broken${EVIL.carriage}${EVIL.fakeLine}` },
    ...overrides,
  };
}

export interface HostileServer {
  url: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

/**
 * - `GET /v1/videos`: three hostile videos.
 * - `GET /v1/videos/video_evil`: a hostile video.
 * - `GET /v1/videos/video_refused` (and any unknown path): a 400 whose message is hostile.
 * - `POST /v1/videos`: a job `video_gen<n>` whose first two polls report a hostile status, then it fails
 *   with a hostile error; a prompt containing "refuse" gets the hostile 400 instead.
 */
export async function startHostileServer(): Promise<HostileServer> {
  const requests: { method: string; path: string }[] = [];
  const polls = new Map<string, number>();
  let created = 0;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const refuse = (res: ServerResponse) =>
    send(res, 400, {
      error: {
        message: `refused${EVIL_TEXT}`,
        type: 'invalid_request_error',
        param: `prompt${EVIL.title}`,
        code: `nope${EVIL.clear}`,
      },
    });
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? 'GET', path });
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method === 'GET' && path === '/v1/videos') {
      const data = [1, 2, 3].map((n) => evilVideo(`video_list${n}`, { prompt: `prompt ${n}${EVIL_TEXT}` }));
      send(res, 200, {
        object: 'list',
        data,
        first_id: 'video_list1',
        last_id: 'video_list3',
        has_more: false,
      });
    } else if (req.method === 'GET' && path === '/v1/videos/video_evil') {
      send(res, 200, evilVideo('video_evil'));
    } else if (req.method === 'POST' && path === '/v1/videos') {
      if (body.includes('refuse')) return refuse(res);
      created += 1;
      send(res, 200, evilVideo(`video_gen${created}`, { status: 'queued', progress: 0, error: null }));
    } else if (req.method === 'GET' && /^\/v1\/videos\/video_gen\d+$/.test(path)) {
      const id = path.slice('/v1/videos/'.length);
      const n = (polls.get(id) ?? 0) + 1;
      polls.set(id, n);
      send(
        res,
        200,
        n <= 2
          ? evilVideo(id, { progress: n * 30, error: null })
          : evilVideo(id, { status: 'failed', progress: 100 }),
      );
    } else {
      refuse(res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
