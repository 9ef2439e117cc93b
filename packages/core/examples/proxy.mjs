// A server proxy that keeps the API key off the browser. Web-standard (a `fetch` handler), so it runs as a
// Next.js route handler, in Deno, Bun, Cloudflare Workers or behind Node's http server (see the bottom).
// The browser then uses: createSoraClient({ apiKey: null, baseUrl: '/api/sora' })
const UPSTREAM = process.env.SORA_BASE_URL ?? 'https://api.gpt.ge';
const KEY = process.env.SORA_API_KEY;

/** Forwards /api/sora/v1/videos… to the upstream with the key; nothing else. */
export async function proxy(request) {
  const url = new URL(request.url);
  const path = url.pathname.replace(/^\/api\/sora/, '');
  if (!/^\/v1\/videos(\/|$)/.test(path)) return new Response('Not found', { status: 404 });
  // Add your own checks here: who is signed in, how many jobs they may start, …
  const headers = new Headers({ Authorization: `Bearer ${KEY}` });
  for (const name of ['content-type', 'accept', 'idempotency-key', 'range', 'if-range']) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const upstream = await fetch(`${UPSTREAM}${path}${url.search}`, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
    duplex: 'half',
  });
  // fetch has decompressed the body already: its length and encoding headers no longer apply.
  const answer = new Headers(upstream.headers);
  answer.delete('content-encoding');
  answer.delete('content-length');
  return new Response(upstream.body, { status: upstream.status, headers: answer });
}

// Node: node proxy.mjs serves it on PORT (default 8787).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { createServer } = await import('node:http');
  const { Readable } = await import('node:stream');
  const server = createServer(async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
      duplex: 'half',
    });
    const response = await proxy(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body).pipe(res);
    else res.end();
  });
  server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1', () =>
    console.log(`listening on ${server.address().port}`),
  );
}
