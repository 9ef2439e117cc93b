import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';

/** A Node `http` request listener, also an Express/Connect handler. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

const badRequest = () =>
  new Response(
    JSON.stringify({
      error: { message: 'Bad request.', type: 'invalid_request_error', param: null, code: 'bad_request' },
    }),
    {
      status: 400,
      headers: { 'content-type': 'application/json' },
    },
  );

/**
 * A body that, when its source fails mid-way (the API cut the download, the browser went away), closes
 * the connection at once, so the client sees a cut and not a clean end, without the adapter logging the
 * error as a crash for every aborted video.
 */
function quiet(response: Response, outgoing: { destroy(): void }): Response {
  const source = response.body;
  // JSON answers are whole strings the handler made: they cannot fail mid-way, so no second stream.
  if (!source || response.headers.get('content-type') === 'application/json') return response;
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        outgoing.destroy();
      }
    },
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Serves a web-standard handler on Node's `http` (or Express), through `@hono/node-server`'s request
 * listener: streamed bodies both ways with backpressure, the request's `signal` aborted when the client
 * goes away (so the upstream download stops), and no global objects replaced.
 *
 * Requests that cannot become a web `Request` (a malformed `Host`, an absolute-form target) get a 400, and
 * nothing a single request does can end the process.
 *
 * @example
 * createServer(toNodeListener(createSoraHandler({ authorize }))).listen(3000);
 * // Express (before any body parser): app.all('/api/sora/{*path}', toNodeListener(handler));
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>): NodeListener {
  const listener = getRequestListener(
    async (request, env: { outgoing: { destroy(): void } }) => quiet(await handler(request), env.outgoing),
    {
      overrideGlobalObjects: false,
      errorHandler: async () => badRequest(),
    },
  );
  return (req, res) => {
    // Express rewrites req.url under a mount path; the original is the one the handler routes on.
    const target = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
    if (!target.startsWith('/') || target.startsWith('//')) {
      // An absolute-form target (`GET http://other/…`) would make the request's URL another origin.
      res.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
      res.end(
        JSON.stringify({
          error: {
            message: 'Bad request target.',
            type: 'invalid_request_error',
            param: null,
            code: 'bad_request',
          },
        }),
      );
      return;
    }
    if (req.url !== target) req.url = target;
    listener(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.destroy();
    });
  };
}
