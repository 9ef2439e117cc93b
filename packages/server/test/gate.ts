// A slow or broken API on loopback: forwards every request to the emulator, except that the test can hold
// the next creates until it says so, or cut the connection after the emulator made the job (an outcome the
// handler cannot know). Real HTTP on both sides; nothing is mocked.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from './support.js';

export interface Gate {
  url: string;
  /** Holds the next `times` creates (`POST /v1/videos`) until `open()`; resolves when the first arrives. */
  hold(times?: number): Promise<void>;
  /** Lets held creates go on to the emulator. */
  open(): void;
  /** The next `times` creates reach the emulator, then their connection is cut before any answer. */
  cut(times?: number): void;
  close(): Promise<void>;
}

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export async function startGate(target: string): Promise<Gate> {
  let holds = 0;
  let cuts = 0;
  let arrived: (() => void) | undefined;
  let opened: Promise<void> = Promise.resolve();
  let openNow = () => {};
  const server = createServer((req, res) => {
    forward(req, res).catch(() => res.socket?.destroy()); // the emulator closed first: nothing to answer
  });
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await read(req);
    const create = req.method === 'POST' && req.url === '/v1/videos';
    if (create && holds > 0) {
      holds--;
      arrived?.();
      await opened;
    }
    const cut = create && cuts > 0;
    if (cut) cuts--;
    const headers = new Headers();
    for (const name of ['authorization', 'content-type', 'idempotency-key']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    // Forwarded whatever the caller does meanwhile: the API makes the job once it has the request.
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? null : body,
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    if (cut) {
      res.socket?.destroy();
      return;
    }
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name))
        out[name] = value;
    });
    res.writeHead(answer.status, out);
    res.end(bytes);
  };
  const url = await listen(server);
  return {
    url,
    hold(times = 1) {
      holds = times;
      opened = new Promise((resolve) => {
        openNow = resolve;
      });
      return new Promise((resolve) => {
        arrived = resolve;
      });
    },
    open: () => openNow(),
    cut(times = 1) {
      cuts = times;
    },
    close: () => {
      openNow();
      return closeServer(server);
    },
  };
}
