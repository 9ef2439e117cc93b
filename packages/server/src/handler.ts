import { readEnv, redact, SoraError } from '@sora-kit/core';
import type { HandlerContext, Scope } from './context.js';
import { corsHeaders } from './cross-site.js';
import { HandlerRefusal } from './envelope.js';
import { type FrontDoorState, frontDoor } from './front-door.js';
import { hostCheck } from './hosts.js';
import { sendJob } from './job/send.js';
import * as reads from './operations/reads.js';
import type { SoraHandlerOptions } from './options.js';
import { resolvePolicy } from './policy.js';
import { refuse } from './refusals.js';
import { jobEvents } from './status/events.js';
import { createStatusHub } from './status/hub.js';
import type { JobStore } from './store/job-store.js';
import { MEMORY_STORE, memoryStore } from './store/memory.js';
import { cacheOwnership } from './store/owned-cache.js';
import { badGateway } from './upstream.js';

/** A web-standard request handler: `(request) => Promise<Response>`. */
export type SoraHandler = (request: Request) => Promise<Response>;

/**
 * Makes the key-holding handler of a web app: it serves `${basePath}/v1/videos…` for the signed-in user
 * (`authorize`), adds the API key on the way to the API, and denies everything else by default:
 *
 * - only the spec's operations with their methods (404/405 otherwise), only the query parameters and
 *   headers each needs;
 * - state-changing requests only from the app's own pages (`Origin`/`Sec-Fetch-Site`), no CORS unless
 *   `cors` lists origins;
 * - a user sees and touches only the jobs they created (404 for anyone else's, as for a missing id), and
 *   `list` shows only theirs;
 * - the policy (models, sizes, seconds, jobs in flight and per window, body sizes) is checked before the
 *   paid call;
 * - the key never appears in an answer, and no request can crash the process: failures are envelopes.
 *
 * The request runs through small steps: {@link frontDoor} (route, cross-site, authorize, key), then one
 * operation: a read (`operations/reads.ts`) or a job (`job/admit.ts` → `job/read.ts` → `job/judge.ts` →
 * `job/send.ts`).
 *
 * @example
 * const handler = createSoraHandler({ authorize: async (req) => (await getSession(req))?.user ?? null });
 */
export function createSoraHandler(options: SoraHandlerOptions): SoraHandler {
  const ctx = resolveContext(options);
  const state: FrontDoorState = { missingKeyLogged: false };
  let storeChecked = false;

  const handle = async (request: Request): Promise<Response> => {
    if (!storeChecked) {
      // At the first request, not at creation: `next build` imports route modules and serves nothing.
      storeChecked = true;
      warnIfMemory(ctx);
    }
    const scope = await frontDoor(ctx, state, request);
    if (scope instanceof Response) return scope;
    try {
      return await dispatch(scope);
    } finally {
      scope.time.done();
    }
  };

  return async (request: Request): Promise<Response> => {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof HandlerRefusal) {
        const response = error.toResponse();
        for (const [name, value] of corsHeaders(request, options.cors)) response.headers.set(name, value);
        return response;
      }
      // authorize, the store, or a bug: logged here (key removed), never detailed to the browser.
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      ctx.logger.error(`@sora-kit/server: ${redact(text, options.apiKey ?? readEnv('SORA_API_KEY'))}`);
      if (SoraError.isInstance(error)) return badGateway().toResponse();
      return refuse('internal_error').toResponse();
    }
  };
}

/** Runs the operation the route names. */
function dispatch(scope: Scope): Promise<Response> {
  const { operation, id } = scope.match;
  switch (operation) {
    case 'listVideos':
      return reads.list(scope);
    case 'createVideo':
      return sendJob(scope, '/v1/videos', ['model', 'size', 'seconds'], 'create');
    case 'retrieveVideo':
      return reads.owned(scope, id, 'video', (owned) => reads.retrieve(scope, owned));
    case 'deleteVideo':
      return reads.owned(scope, id, 'video', (owned) => reads.remove(scope, owned));
    case 'downloadVideoContent':
      return reads.owned(scope, id, 'video', (owned) => reads.content(scope, owned));
    case 'remixVideo':
      return reads.owned(scope, id, 'video', (owned) =>
        sendJob(scope, `/v1/videos/${owned}/remix`, [], 'remix'),
      );
    case 'editVideo':
      return sendJob(scope, '/v1/videos/edits', [], 'derive');
    case 'extendVideo':
      return sendJob(scope, '/v1/videos/extensions', ['seconds'], 'derive');
    case 'createCharacter':
      return sendJob(scope, '/v1/videos/characters', [], 'character');
    case 'getCharacter':
      return reads.owned(scope, id, 'character', (owned) => reads.getCharacter(scope, owned));
    case 'videoEvents':
      return reads.owned(scope, id, 'video', (owned) => jobEvents(scope, owned));
    default:
      return Promise.resolve(assertNever(operation));
  }
}

/** Checks the options once and fills in their defaults (a typo must not open the door: it throws). */
function resolveContext(options: SoraHandlerOptions): HandlerContext {
  if (typeof options?.authorize !== 'function') {
    throw new TypeError(
      "createSoraHandler needs 'authorize' (request => { userId } | null). There is no default that lets anyone in; " +
        "for anonymous use say so: authorize: () => ({ userId: 'anonymous' }).",
    );
  }
  const basePath = (options.basePath ?? '/api/sora').replace(/\/+$/, '');
  if (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath)) {
    throw new TypeError(
      `Invalid value for 'basePath': ${JSON.stringify(basePath)}. Allowed: a path such as '/api/sora'.`,
    );
  }
  const baseUrl = (options.baseUrl ?? readEnv('SORA_BASE_URL') ?? 'https://api.gpt.ge').replace(/\/+$/, '');
  try {
    if (!/^https?:$/.test(new URL(baseUrl).protocol)) throw new Error();
  } catch {
    throw new TypeError(`Invalid value for 'baseUrl': ${JSON.stringify(baseUrl)}. Allowed: an http(s) URL.`);
  }
  const logger = options.logger ?? console;
  const given: JobStore = options.store ?? memoryStore();
  // A remote store is asked once per polled job, not on every poll (memory needs no cache).
  const store = MEMORY_STORE in given ? given : cacheOwnership(given);
  const reservationTtlMs = options.reservationTtlMs ?? 10 * 60_000;
  if (!(Number.isFinite(reservationTtlMs) && reservationTtlMs > 0)) {
    throw new RangeError(
      `Invalid value for 'reservationTtlMs': ${reservationTtlMs}. Allowed: a number of milliseconds > 0.`,
    );
  }
  return {
    options,
    basePath,
    baseUrl,
    logger,
    store,
    policy: resolvePolicy(options.policy),
    status: options.status ?? createStatusHub(),
    streams: {
      open: new Map(),
      maxPerUser: count(options.streams?.maxPerUser, 20, 'streams.maxPerUser'),
      heartbeatMs: count(options.streams?.heartbeatMs, 15_000, 'streams.heartbeatMs'),
    },
    timeoutMs: options.timeoutMs ?? 60_000,
    trusted: [...(options.trustedOrigins ?? []), ...(options.cors?.origins ?? [])],
    contentOptions: {
      contentLinks: options.contentLinks ?? 'stream',
      allowPrivateLinks: options.allowPrivateLinks ?? false,
    },
    reservationTtlMs,
    bodyTimeouts: {
      jsonMs: options.bodyTimeoutMs ?? 30_000,
      uploadIdleMs: options.uploadIdleTimeoutMs ?? 30_000,
    },
    hostAllowed: hostCheck(
      options.allowedHosts,
      options.trustedOrigins ?? [],
      readEnv('NODE_ENV') === 'production',
      logger,
    ),
  };
}

/** Memory in production loses every user's jobs on restart and splits them between instances: said once. */
function warnIfMemory(ctx: HandlerContext): void {
  if (MEMORY_STORE in ctx.store && readEnv('NODE_ENV') === 'production') {
    ctx.logger.warn(
      '@sora-kit/server: jobs are owned in memory (memoryStore): ownership and spending are lost on restart ' +
        'and not shared between instances. Pass a shared `store` in production (see the README).',
    );
  }
}

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`Invalid value for '${name}': ${String(value)}. Allowed: an integer >= 1.`);
  }
  return value;
}

function assertNever(operation: never): Response {
  throw new Error(`Unrouted operation ${String(operation)}`);
}
