import type { PrivateLinkPolicy } from '@sora-kit/core';
import type { CorsOptions } from './cross-site.js';
import type { SoraPolicy } from './policy.js';
import type { StatusHub } from './status/hub.js';
import type { Awaitable, JobStore } from './store/job-store.js';

/** Who is asking: the handler scopes every job to this id. */
export interface SoraUser {
  /** A stable id of the signed-in user (or a tenant, or `'anonymous'` for an app that wants no sign-in). */
  userId: string;
}

/** Options of {@link createSoraHandler}. */
export interface SoraHandlerOptions {
  /**
   * Who is asking, from the request (a session cookie, a bearer token of your app): `{ userId }`, or `null`
   * for a 401. **Required**: there is no default that lets anyone in. An app that truly wants anonymous use
   * says so: `authorize: () => ({ userId: 'anonymous' })` (then every visitor shares one job list). A throw
   * becomes a 500 without details.
   */
  authorize: (request: Request) => Awaitable<SoraUser | null>;
  /** The API key, sent to `baseUrl` only. Default: `SORA_API_KEY` from the environment (core's `readEnv`). */
  apiKey?: string | undefined;
  /** The API's origin. Default: `SORA_BASE_URL` from the environment (core's `readEnv`), else `https://api.gpt.ge`. */
  baseUrl?: string | undefined;
  /** Where the handler is mounted: it serves `${basePath}/v1/videos…` and nothing else. Default: `/api/sora`. */
  basePath?: string | undefined;
  /**
   * Who owns which job, and what each user has spent (the policy's ledger). Default: {@link memoryStore}
   * (one process, lost on restart; a warning at the first request under `NODE_ENV=production`). Several
   * instances share one store: `postgresStore` (`@sora-kit/server/postgres`), `redisStore`
   * (`@sora-kit/server/redis`), `sqliteStore` (`@sora-kit/server/sqlite`).
   */
  store?: JobStore | undefined;
  /**
   * How long a paid call's reservation holds its slot when its outcome never becomes known, in ms: the
   * instance died between admitting and sending (kill -9), or the connection broke after sending and asking
   * again did not tell. After it the in-flight slot is free; the call still counts in the window (it may
   * have been paid). Keep it above `timeoutMs`. Default: 600 000 (10 minutes).
   */
  reservationTtlMs?: number | undefined;
  /**
   * The shared read path of job statuses: every reader of a job (retrieve, list, event streams), on every
   * instance sharing the hub's store, is served from one upstream poll per job and interval; finished jobs
   * from the store alone. Pass the same hub to `createWebhookHandler({ status })` so a webhook ends the wait
   * at once. Default: `createStatusHub()` (memory: shared by the readers of this process).
   */
  status?: StatusHub | undefined;
  /** The job event streams (`GET {basePath}/v1/videos/{id}/events`). */
  streams?: StreamOptions | undefined;
  /** What a user may do (models, sizes, seconds, jobs in flight, jobs per window, body sizes). Default: the cheap end, see {@link SoraPolicy}. */
  policy?: SoraPolicy | undefined;
  /** The `fetch` for upstream calls. Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Other origins whose pages may call the handler (CORS). Default: none; no preflight is answered. */
  cors?: CorsOptions | undefined;
  /**
   * Origins, besides the request's own, trusted for state-changing requests: the public origin when a
   * proxy in front rewrites `Host` (the handler then sees `http://internal:3000`). Default: none.
   */
  trustedOrigins?: readonly string[] | undefined;
  /**
   * The host names the handler answers for (a DNS rebinding guard): others get a 421 `unknown_host`.
   * Checked against the request's URL, `Host` and `X-Forwarded-Host`. Entries: `app.example.com`, or
   * `.example.com` for it and its subdomains; `'any'` turns the check off (a proxy in front checks Host).
   * Default: the hosts of `trustedOrigins`, plus loopback names (`localhost`, `127.0.0.1`, `[::1]`) when
   * `NODE_ENV` is not `production`; in production with neither, any host (with a warning at start).
   */
  allowedHosts?: readonly string[] | 'any' | undefined;
  /**
   * What to do when the API answers `/content` with a link to another host (gpt.ge): `'stream'` the bytes
   * through (the browser never sees the link) or `'redirect'` (302) the browser to it. Default: `'stream'`.
   */
  contentLinks?: 'stream' | 'redirect' | undefined;
  /**
   * Download links to loopback or private addresses the handler may follow although the API is public
   * (core's `checkLink` rule). Default: false (only when the API itself is on such an address).
   */
  allowPrivateLinks?: PrivateLinkPolicy | undefined;
  /** Milliseconds a JSON request body may take to arrive whole; later it is a 408. Default: 30 000. */
  bodyTimeoutMs?: number | undefined;
  /**
   * Milliseconds an upload (multipart) may go without sending a byte; then it is a 408. Uploads may take
   * long in all (a slow link), so this is an idle limit, not a total. Default: 30 000.
   */
  uploadIdleTimeoutMs?: number | undefined;
  /** Milliseconds an upstream call may take to answer (the body too, except streamed media). Default: 60 000. */
  timeoutMs?: number | undefined;
  /** Where the handler's few warnings and errors go. Default: `console`. */
  logger?: Pick<Console, 'warn' | 'error'> | undefined;
}

/** Options of the job event streams. */
export interface StreamOptions {
  /** Open streams one user may have on this process; past it a new one is a 429 (the client then polls). Default: 20. */
  maxPerUser?: number | undefined;
  /** Milliseconds between comment lines that keep idle proxies from closing a stream. Default: 15 000. */
  heartbeatMs?: number | undefined;
}
