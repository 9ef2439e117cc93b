// The key-holding server of a browser app in a dozen lines: @sora-kit/server behind Node's http server.
// The browser then uses: createSoraClient({ apiKey: null, baseUrl: '/api/sora' })
//   SORA_API_KEY=sk-... node proxy.mjs      (PORT, default 8787; SORA_BASE_URL, default https://api.gpt.ge)
import { createServer } from 'node:http';
import { createSoraHandler } from '@sora-kit/server';
import { toNodeListener } from '@sora-kit/server/node';

const handler = createSoraHandler({
  // Who is asking. This demo has one anonymous user; a real app returns the signed-in user's id from its
  // session (or null for a 401), so that each user sees only their own jobs.
  authorize: () => ({ userId: 'anonymous' }),
  // The cheap defaults, spelled out: sora-2 only, 720p, up to 8 s, 2 jobs at once, 20 an hour.
  policy: { models: ['sora-2'], maxSeconds: 8, maxInFlight: 2, maxJobsPerWindow: 20 },
});

const server = createServer(toNodeListener(handler));
server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
