/// <reference types="node" />
/**
 * A loopback HTTP server whose every answer the test writes by hand: for hostile answers no real server
 * gives on purpose (a 200 that is not JSON, bodies that never end or lie about their length, answers of
 * gigabytes, redirects to nowhere).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The requests received, oldest first. */
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** Starts a server on a free loopback port that answers every request with `handle`. */
export async function startRawServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<RawServer> {
  const requests: RawServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    Promise.resolve(handle(req, res)).catch((error) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Resolves when the response may be written again (backpressure), or the client has gone. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
