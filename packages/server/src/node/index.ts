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
  const listener = getRequestListener(handler, {
    overrideGlobalObjects: false,
    errorHandler: async () => badRequest(),
  });
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
