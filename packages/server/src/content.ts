import { checkLink, type PrivateLinkPolicy, redact } from '@sora-kit/core';
import { readCapped, utf8 } from './body.js';
import { passHeaders } from './pass-headers.js';
import { refuse } from './refusals.js';
import { badGateway, callUpstream, logFailure, readUpstream, relay, type Upstream } from './upstream.js';

/** How the content route treats download links. */
export interface ContentOptions {
  contentLinks: 'stream' | 'redirect';
  allowPrivateLinks: PrivateLinkPolicy;
}

/**
 * The media types the spec names for `/content` (spec/openapi.yaml), by variant. Only these are served
 * as bytes: an answer of another type (`image/svg+xml` with a script, HTML) from a hostile API or file
 * host would run on the app's origin when opened in a tab. `application/octet-stream` (some file hosts
 * label everything so) is served as the variant's type.
 */
const MEDIA_TYPES = { video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' } as const;
export type ContentVariant = keyof typeof MEDIA_TYPES;
const SPEC_MEDIA = new Set<string>(Object.values(MEDIA_TYPES));
const MAX_HOPS = 3;

/**
 * Headers of every media answer: no sniffing a type other than the one sent, and if the bytes are opened
 * in a tab anyway, no script, no plugin, no same-origin access (CSP `sandbox`).
 */
function mediaHeaders(headers: Headers): Headers {
  headers.set('x-content-type-options', 'nosniff');
  headers.set('content-security-policy', "sandbox; default-src 'none'");
  return headers;
}

/** The spec's media type of an answer's `Content-Type`, or undefined when it is none of them. */
function specMediaType(contentType: string, variant: ContentVariant): string | undefined {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  if (SPEC_MEDIA.has(essence)) return essence;
  if (essence === 'application/octet-stream') return MEDIA_TYPES[variant];
  return undefined;
}

/** The `Range` and `If-Range` of the request, the only headers a download needs. */
function rangeHeaders(request: Request): Headers {
  const out = new Headers();
  const range = request.headers.get('range');
  if (range !== null && /^bytes=\d*-\d*$/.test(range)) out.set('range', range);
  const ifRange = request.headers.get('if-range');
  if (range !== null && ifRange !== null && ifRange.length <= 256) out.set('if-range', ifRange);
  return out;
}

/** Streams a media answer to the browser with the safe headers; textual bodies are read and redacted. */
async function deliver(
  upstream: Upstream,
  response: Response,
  variant: ContentVariant,
  extra: Headers,
): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 200 || response.status === 206) {
    const media = specMediaType(type, variant);
    if (media) {
      const headers = mediaHeaders(passHeaders(response.headers, upstream.apiKey));
      headers.set('content-type', media);
      for (const [name, value] of extra) headers.set(name, value);
      return new Response(response.body, { status: response.status, headers });
    }
    if (!/json/i.test(type)) {
      await response.body?.cancel().catch(() => {});
      throw badGateway(
        `The video API sent the ${variant} as a type the server does not serve. Allowed: ${[...SPEC_MEDIA].join(', ')}.`,
        'unexpected_media_type',
      );
    }
  }
  if (response.status === 416) {
    // The spec's 416 is an error envelope with `Content-Range: bytes */SIZE`; a file host's bare 416 gets one.
    await response.body?.cancel().catch(() => {});
    const headers = mediaHeaders(passHeaders(response.headers, upstream.apiKey, ['content-range']));
    for (const [name, value] of extra) headers.set(name, value);
    return refuse('range_not_satisfiable', 'Range', undefined, headers).toResponse();
  }

  return relay(upstream, await readUpstream(upstream, response), extra);
}

/**
 * Fetches a download link the API gave (JSON `{url}` or a redirect) without the key, after core's
 * `checkLink`: only http(s), no credentials, no loopback/private host unless the API is on one. Each
 * redirect of the file host is checked again. A link that carries the key is refused outright.
 */
async function followLink(
  upstream: Upstream,
  options: ContentOptions,
  link: string,
  request: Request,
  variant: ContentVariant,
  signal: AbortSignal,
  extra: Headers,
): Promise<Response> {
  let target = link;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    // Core's redactor answers the very string when the key is not in it, in any of its forms.
    if (redact(target, upstream.apiKey) !== target) {
      throw badGateway('The video API sent a download link that carries its key.', 'unsafe_link');
    }
    try {
      checkLink(target, upstream.baseUrl, options.allowPrivateLinks);
    } catch {
      throw badGateway('The video API sent a download link the server may not follow.', 'unsafe_link');
    }
    if (options.contentLinks === 'redirect') {
      const headers = new Headers(extra);
      headers.set('location', target);
      headers.set('cache-control', 'private, no-store');
      return new Response(null, { status: 302, headers });
    }
    // No Authorization, no cookie: the link is its own credential. Bytes as stored (no re-encoding).
    const headers = rangeHeaders(request);
    headers.set('accept-encoding', 'identity');
    let response: Response;
    try {
      response = await upstream.fetch(target, {
        headers,
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (!signal.aborted) logFailure(upstream, 'the download host could not be reached', error);
      throw badGateway('The download host could not be reached.', 'download_unavailable');
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel().catch(() => {});
      target = new URL(location, target).href;
      continue;
    }
    if (response.status >= 400 && response.status !== 416) {
      await response.body?.cancel().catch(() => {});
      throw badGateway(`The download host answered ${response.status}.`, 'download_failed');
    }
    return deliver(upstream, response, variant, extra);
  }
  throw badGateway('The download link redirects too often.', 'download_failed');
}

/**
 * `GET …/content`: the media of an owned job as bytes the browser can use directly (`<video src>`),
 * `Range` forwarded and 206 kept, whichever way the API serves it (bytes, JSON link, or a redirect).
 */
export async function serveContent(
  upstream: Upstream,
  options: ContentOptions,
  request: Request,
  path: string,
  variant: ContentVariant,
  signal: { signal: AbortSignal; done(): void },
  extra: Headers,
): Promise<Response> {
  const response = await callUpstream(upstream, path, {
    method: 'GET',
    headers: rangeHeaders(request),
    signal: signal.signal,
  });
  const location = response.headers.get('location');
  let link: string | undefined;
  if (response.status >= 300 && response.status < 400 && location) {
    await response.body?.cancel().catch(() => {});
    link = new URL(location, `${upstream.baseUrl}${path}`).href;
  } else if (response.ok && /json/i.test(response.headers.get('content-type') ?? '')) {
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(await readCapped(response.body, 64 * 1024)));
    } catch {
      throw badGateway('The video API sent a broken download link.', 'upstream_broken_answer');
    }
    const url = (body as { url?: unknown } | null)?.url;
    if (typeof url !== 'string')
      throw badGateway('The video API sent a download answer without a url.', 'upstream_broken_answer');
    link = url;
  }
  // The time limit covers getting an answer's headers; the bytes then flow as long as the browser reads.
  const answer = link
    ? await followLink(upstream, options, link, request, variant, signal.signal, extra)
    : await deliver(upstream, response, variant, extra);
  signal.done();
  return answer;
}
