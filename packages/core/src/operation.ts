import type { paths } from './generated/openapi.js';
import { isBlob, toFormData } from './multipart.js';
import { type Context, type RequestOptions, runtimeFetch } from './options.js';
import { type SendMode, send } from './request.js';
import { checkId } from './validation.js';

// Typed calls of the spec's operations, checked at compile time against the generated `paths` like
// openapi-fetch does, in a few lines that add next to nothing to a request: openapi-fetch builds a
// `Request` and a query serializer per call, which cost more than the 15 % over a bare `fetch` this
// client allows itself, and 2.6 KB of a browser bundle. (`createRawClient` still exposes openapi-fetch.)

/** The HTTP method, as `fetch` is given it. */
type Method = 'GET' | 'POST' | 'DELETE';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][Lowercase<M>]>;
type Parameters<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: infer X } ? X : never;

/** The JSON answer (200) of an operation. */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    responses: { 200: { content: { 'application/json': infer T } } };
  }
    ? T
    : unknown;

/** What a call sends: the path's one parameter (every path has at most one), a query as the spec types it, and a body. */
export interface Call<P extends keyof paths, M extends Method> {
  id?: Parameters<P, M> extends { path: infer X } ? X[keyof X] : never;
  query?: Parameters<P, M> extends { query?: infer X } ? X : never;
  /** JSON, or multipart when one of its fields is a file. */
  body?: object;
  /** Bypass HTTP caches (status reads). */
  fresh?: boolean;
}

/** The globals that tell runtimes apart. */
interface Runtime {
  process?: { versions?: { node?: string } };
  Deno?: unknown;
  document?: unknown;
  caches?: { default?: unknown };
}

/**
 * Whether the runtime's own `fetch` may answer from an HTTP cache. No in Node, Deno and Bun (which reports
 * a Node version too), whose `fetch` keeps none; yes anywhere else (browsers and their workers, unknown
 * runtimes), and also where a page runs with Node (Electron: `document`) or a Cloudflare Worker reports a
 * Node version (`nodejs_compat`; its `caches.default` is the edge cache).
 */
export const runtimeMayCache = (g: Runtime = globalThis as Runtime): unknown =>
  !(g.process?.versions?.node || g.Deno) || g.document || g.caches?.default;

// `cache: 'no-store'` for status reads, where a cache may serve them: the runtime's fetch where it keeps
// one, and any fetch of yours (it may). Node's own fetch keeps none, and there the option only adds two
// request headers (`Cache-Control`, `Pragma`) to every status request. Cloudflare Workers before the
// 2024-11-11 compatibility date throw on `cache`: it is set only where accepted.
let noStore: RequestInit | undefined;
const uncached = (fetcher: typeof fetch): RequestInit | undefined => {
  if (fetcher === runtimeFetch && !runtimeMayCache()) return;
  try {
    noStore ??= new Request('http://h', { cache: 'no-store' }) && { cache: 'no-store' };
  } catch {
    noStore = {};
  }
  return noStore;
};

/** Sends one operation through the retrying loop of `send`. Path parameters are URI-encoded. */
export function api<P extends keyof paths, M extends Method>(
  ctx: Context,
  method: M,
  path: P,
  call: Call<P, M>,
  options: RequestOptions = {},
  mode?: SendMode,
) {
  // The query less its undefined fields, which a JSON round trip drops (URLSearchParams writes each value
  // as a string). None for most calls: no round trip on the path of every status read.
  const query = call.query ? `${new URLSearchParams(JSON.parse(JSON.stringify(call.query)))}` : '';
  // The path's id is checked where it enters the path, named as the spec names it (`video_id`,
  // `character_id`), so no call can put an unchecked one there; then it is URI-encoded.
  const url =
    ctx.baseUrl +
    path.replace(/\{(\w+)\}/, (_, field: string) => {
      checkId(call.id, field);
      return encodeURIComponent(call.id!);
    }) +
    (query && `?${query}`);
  const { body } = call;
  // Built once: a FormData (unlike a stream) can be sent again by each retry.
  const form =
    body && Object.values(body).some(isBlob) ? toFormData(body as Record<string, unknown>) : undefined;
  const json = body && !form ? JSON.stringify(body) : undefined;
  const fetcher = options.fetch ?? ctx.fetch ?? runtimeFetch;
  return send<Answer<P, M>>(
    ctx,
    options,
    url,
    (init) =>
      fetcher(url, {
        ...(call.fresh && uncached(fetcher)),
        ...init,
        method,
        headers: json ? { 'Content-Type': 'application/json', ...init.headers } : init.headers,
        body: form ?? json,
      }),
    mode,
  );
}
