// The server side of the key: forwards `/api/sora/v1/videos…` to the real API with the key added, and
// nothing else. A web-standard fetch handler, so the same code runs as a Next.js route handler, in Deno,
// Bun or a Worker. This is where an app checks who is signed in and how many jobs they may start.

/** Headers the browser may pass through; everything else (cookies, its own auth) stays behind. */
const FORWARDED = ['content-type', 'accept', 'idempotency-key', 'range', 'if-range'];

/**
 * @param {{ upstream: string, apiKey: string }} options upstream: the API origin; apiKey: the secret.
 * @returns {(request: Request) => Promise<Response>}
 */
export function createProxy({ upstream, apiKey }) {
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api\/sora/, '');
    if (!/^\/v1\/videos(\/|$)/.test(path)) return new Response('Not found', { status: 404 });
    const headers = new Headers({ authorization: `Bearer ${apiKey}` });
    for (const name of FORWARDED) {
      const value = request.headers.get(name);
      if (value) headers.set(name, value);
    }
    const answer = await fetch(`${upstream}${path}${url.search}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
      duplex: 'half',
    });
    // fetch has already decompressed the body, so its encoding and length headers no longer apply.
    const out = new Headers(answer.headers);
    out.delete('content-encoding');
    out.delete('content-length');
    return new Response(answer.body, { status: answer.status, headers: out });
  };
}
