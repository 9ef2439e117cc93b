/// <reference types="node" />
import { NODE_BODY } from '../idle-timeout.js';
import { CHECK_REDIRECT } from '../link-safety.js';
import { type RawResponse, requestRaw } from './http1.js';

/** @internal The raw body behind a response of {@link nodeFetch}, which `downloadToFile` reads directly. */
export { NODE_BODY };

/**
 * A `fetch` for the GET requests of downloads, on a lean HTTP/1.1 client over Node's sockets (see
 * `http1.ts`): the body is read straight into two reusable buffers, one written to disk while the other
 * fills, so a large download takes about the CPU of curl, where the global `fetch` (undici) takes about
 * four times as long and Node's http client twice. The answer is a standard `Response` (its body a web
 * stream made only when read, for JSON links and error answers), carrying the raw body under `NODE_BODY`
 * for `downloadToFile`. Redirects are followed as fetch does, without `Authorization` across origins, and
 * (for the client's download requests) each is checked like a download link first. No decompression is
 * asked for, so lengths are the bytes on the wire. A connection per request (`Connection: close`).
 */
export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (init.body != null) throw new TypeError('nodeFetch sends GET requests only');
  let url = new URL(input instanceof Request ? input.url : input);
  const headers = new Headers(init.headers);
  const checkRedirect = (init as { [CHECK_REDIRECT]?: (url: string) => void })[CHECK_REDIRECT];
  const method = (init.method ?? 'GET').toUpperCase();
  for (let hops = 0; ; hops++) {
    const res: RawResponse = await requestRaw(url, headers, { method, signal: init.signal ?? undefined });
    const { status } = res;
    const location = res.headers.get('location');
    if (status >= 300 && status < 400 && location && hops < 20) {
      res.body.destroy(); // one connection per request: nothing to drain
      const next = new URL(location, url);
      checkRedirect?.(next.href); // the client's link check: no hop to an internal address
      if (next.origin !== url.origin) headers.delete('authorization');
      url = next;
      continue;
    }
    const raw = res.body;
    let chunks: AsyncIterator<Uint8Array> | undefined;
    // highWaterMark 0: nothing is read (and the raw body is left alone) until someone reads this stream.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          chunks ??= raw[Symbol.asyncIterator]();
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel: (reason) => raw.destroy(reason instanceof Error ? reason : undefined),
      },
      { highWaterMark: 0 },
    );
    const empty = status === 204 || status === 304 || method === 'HEAD';
    let response: Response;
    try {
      response = new Response(empty ? null : body, {
        status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (error) {
      raw.destroy(); // a reason phrase `Response` refuses: drop the connection, not leak it
      throw error;
    }
    Object.defineProperty(response, NODE_BODY, { value: raw });
    Object.defineProperty(response, 'url', { value: url.href });
    return response;
  }
}
