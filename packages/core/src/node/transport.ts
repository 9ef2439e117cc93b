/// <reference types="node" />
import { NODE_BODY } from '../idle-timeout.js';
import { CHECK_REDIRECT } from '../link-safety.js';
import { type RawBody, type RawResponse, requestRaw } from './http1.js';
import { requestFields } from './raw-headers.js';

/** @internal The raw body behind a response of {@link nodeFetch}, which `downloadToFile` reads directly. */
export { NODE_BODY };

/** A raw answer, redirects followed, and the URL it finally came from. */
interface Fetched extends RawResponse {
  url: string;
  method: string;
}

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
  return toResponse(await fetchRaw(input, init));
}

/**
 * @internal `nodeFetch` for `downloadToFile`'s own requests: a successful answer comes as a lookalike of
 * `Response` (status, headers, a body made only when read), not as one, so that a process that
 * only downloads never loads undici (see raw-headers.ts). Any other answer (an error, which may reach the
 * caller, or one without a body) is a real `Response`.
 */
export async function leanFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const fetched = await fetchRaw(input, init);
  if ((fetched.status !== 200 && fetched.status !== 206) || fetched.method === 'HEAD')
    return toResponse(fetched);
  const raw = fetched.body;
  let body: ReadableStream<Uint8Array> | undefined;
  const lean = {
    status: fetched.status,
    statusText: fetched.statusText,
    ok: true,
    headers: fetched.headers,
    url: fetched.url,
    get body() {
      body ??= webStreamOf(raw);
      return body;
    },
    [NODE_BODY]: raw,
  };
  return lean as unknown as Response;
}

async function fetchRaw(input: string | URL | Request, init: RequestInit): Promise<Fetched> {
  if (init.body != null) throw new TypeError('nodeFetch sends GET requests only');
  // (Not `instanceof Request`: that global alone loads undici.)
  let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const headers = requestFields(init.headers);
  const checkRedirect = (init as { [CHECK_REDIRECT]?: (url: string) => void })[CHECK_REDIRECT];
  const method = (init.method ?? 'GET').toUpperCase();
  for (let hops = 0; ; hops++) {
    const res: RawResponse = await requestRaw(url, headers, { method, signal: init.signal ?? undefined });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && hops < 20) {
      res.body.destroy(); // one connection per request: nothing to drain
      const next = new URL(location, url);
      checkRedirect?.(next.href); // the client's link check: no hop to an internal address
      if (next.origin !== url.origin) headers.delete('authorization');
      url = next;
      continue;
    }
    return Object.assign(res, { url: url.href, method });
  }
}

/** The raw body as a web stream; highWaterMark 0: nothing is read until someone reads the stream. */
function webStreamOf(raw: RawBody): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
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
}

/** A raw answer as a standard `Response`, carrying its raw body under `NODE_BODY`. */
function toResponse(fetched: Fetched): Response {
  const { status, body: raw } = fetched;
  const empty = status === 204 || status === 304 || fetched.method === 'HEAD';
  let response: Response;
  try {
    response = new Response(empty ? null : webStreamOf(raw), {
      status,
      statusText: fetched.statusText,
      headers: [...fetched.headers],
    });
  } catch (error) {
    raw.destroy(); // a reason phrase `Response` refuses: drop the connection, not leak it
    throw error;
  }
  Object.defineProperty(response, NODE_BODY, { value: raw });
  Object.defineProperty(response, 'url', { value: fetched.url });
  return response;
}
