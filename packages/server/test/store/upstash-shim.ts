// A local stand-in for Upstash's REST endpoint, so that the real `@upstash/redis` client (its request
// encoding, base64 answers, EVALSHA → EVAL fallback) runs against a real redis-server without the internet.
// It speaks only what that client sends for commands: POST / with `["CMD", ...args]`, answering
// `{ result }` (strings base64, as with `Upstash-Encoding: base64`) or `{ error }` with status 400, and
// POST /pipeline with a list of commands, answering a list of those.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';

const encode = (value: unknown): unknown =>
  typeof value === 'string'
    ? Buffer.from(value).toString('base64')
    : Array.isArray(value)
      ? value.map(encode)
      : value;

export async function startUpstashShim(redis: Redis): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    response.setHeader('content-type', 'application/json');
    const base64 = request.headers['upstash-encoding'] === 'base64';
    const run = async (command: unknown[]) => {
      try {
        const [name, ...args] = command.map(String);
        const result = await redis.call(name as string, ...args);
        return { result: base64 ? encode(result) : result };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown[];
    if (request.url === '/pipeline') {
      // The client batches concurrent commands (auto-pipelining): one answer per command, in order.
      response.end(JSON.stringify(await Promise.all((body as unknown[][]).map(run))));
      return;
    }
    const answer = await run(body);
    if ('error' in answer) response.statusCode = 400;
    response.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
