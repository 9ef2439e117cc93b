/** Which other origins may call the handler from a browser (CORS). */
export interface CorsOptions {
  /** Exact origins, e.g. `['https://app.example.com']`. No wildcard: each one is a decision. */
  origins: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (cookies cross-origin). Default: false. */
  credentials?: boolean | undefined;
  /** Request headers a preflight may allow. Default: content-type, idempotency-key, range, if-range, authorization. */
  allowHeaders?: readonly string[] | undefined;
}

const DEFAULT_ALLOWED_HEADERS = ['content-type', 'idempotency-key', 'range', 'if-range', 'authorization'];

/**
 * The hosts this request was addressed to: the URL's, `Host` and `X-Forwarded-Host` (frameworks rebuild
 * `request.url` from their own config, and proxies rewrite `Host`). A page cannot forge these: `Host` is a
 * forbidden header for scripts, and any other custom header makes a cross-origin request need a
 * preflight, which the handler does not grant.
 */
function ownHosts(request: Request, url: URL): string[] {
  const hosts = [url.host];
  const host = request.headers.get('host');
  if (host) hosts.push(host.toLowerCase());
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  if (forwarded) hosts.push(forwarded.toLowerCase());
  return hosts;
}

function isOwnOrigin(origin: string, request: Request, url: URL, trusted: readonly string[]): boolean {
  if (trusted.includes(origin)) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // `null` and other opaque origins
  }
  return /^https?:$/.test(parsed.protocol) && ownHosts(request, url).includes(parsed.host);
}

/**
 * Whether a state-changing request may pass the cross-site check:
 *
 * - with an `Origin`: it is the handler's own (same host as the request was addressed to) or one of
 *   `trusted`; browsers send `Origin` on every POST and DELETE, so forms, `fetch` in `no-cors` mode and
 *   multipart POSTs (which need no preflight) from other sites end here, bearer token or not;
 * - with no `Origin`: `Sec-Fetch-Site: same-origin`;
 * - with neither (a server-side client: the official SDKs, the AI SDK, curl, Python `requests`): only
 *   with `Authorization: Bearer …`. A page on another site cannot send that header without a CORS
 *   preflight, which the handler refuses unless `cors` lists the origin, and browsers never attach a
 *   bearer token by themselves (unlike cookies or cached Basic credentials). `authorize` then decides
 *   whose token it is.
 */
export function fromTrustedPage(request: Request, url: URL, trusted: readonly string[]): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return isOwnOrigin(origin, request, url, trusted);
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  return hasBearerToken(request);
}

/** `Authorization: Bearer <token>`: set by code, never added by a browser on its own. */
function hasBearerToken(request: Request): boolean {
  const authorization = request.headers.get('authorization');
  return authorization !== null && /^Bearer +\S/i.test(authorization);
}

/**
 * Whether a read (GET) is cross-site in a browser: `Sec-Fetch-Site` says another site or origin sent it
 * and its `Origin` is not trusted. Reads without `Sec-Fetch-Site` (servers, curl, old browsers) pass: the
 * absence of CORS headers already keeps their answers from other origins' scripts.
 */
export function crossSiteRead(request: Request, url: URL, trusted: readonly string[]): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === null || site === 'same-origin' || site === 'none') return false;
  const origin = request.headers.get('origin');
  return !(origin !== null && isOwnOrigin(origin, request, url, trusted));
}

/** The CORS headers of an answer to an allowed origin (none for others). */
export function corsHeaders(request: Request, cors: CorsOptions | undefined): Headers {
  const out = new Headers();
  const origin = request.headers.get('origin');
  if (!cors || origin === null || !cors.origins.includes(origin)) return out;
  out.set('access-control-allow-origin', origin);
  out.set('vary', 'Origin');
  if (cors.credentials) out.set('access-control-allow-credentials', 'true');
  out.set(
    'access-control-expose-headers',
    'content-range, accept-ranges, etag, retry-after, openai-poll-after-ms, x-request-id',
  );
  return out;
}

/** The answer to a CORS preflight from an allowed origin for a routed method; undefined otherwise. */
export function preflight(
  request: Request,
  cors: CorsOptions | undefined,
  allowed: string[],
): Response | undefined {
  const method = request.headers.get('access-control-request-method');
  const headers = corsHeaders(request, cors);
  if (!cors || !headers.has('access-control-allow-origin') || !method || !allowed.includes(method))
    return undefined;
  headers.set('access-control-allow-methods', allowed.join(', '));
  headers.set('access-control-allow-headers', (cors.allowHeaders ?? DEFAULT_ALLOWED_HEADERS).join(', '));
  headers.set('access-control-max-age', '600');
  return new Response(null, { status: 204, headers });
}
