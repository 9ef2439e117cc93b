import {
  normalizeStatus,
  readEnv,
  redact,
  SoraError,
  ValidationError,
  validateCreateParams,
  validatePrompt,
} from '@sora-kit/core';
import { declaredTooLarge, readCapped } from './body.js';
import { serveContent } from './content.js';
import { corsHeaders, crossSiteRead, fromTrustedPage, preflight } from './cross-site.js';
import {
  errorResponse,
  HandlerRefusal,
  invalidField,
  jsonResponse,
  notFound,
  policyRefusal,
  tooLarge,
} from './envelope.js';
import { boundaryOf, inspectUpload, type MultipartFields } from './multipart.js';
import type { SoraHandlerOptions } from './options.js';
import { checkJobShape, resolvePolicy } from './policy.js';
import { matchRoute, type RouteMatch } from './routes.js';
import { type JobStore, MEMORY_STORE, memoryStore } from './store.js';
import {
  badGateway,
  callUpstream,
  deadline,
  readUpstream,
  relay,
  type Upstream,
  type UpstreamJson,
} from './upstream.js';

/** A web-standard request handler: `(request) => Promise<Response>`. */
export type SoraHandler = (request: Request) => Promise<Response>;

/** The spec's id pattern (ids are path segments, compared undecoded: `%`, `/` and `..` never pass). */
const ID = /^[A-Za-z0-9_\-.:]{1,256}$/;
const validId = (id: unknown): id is string =>
  typeof id === 'string' && ID.test(id) && !id.includes('..') && id !== '.';

const TERMINAL = new Set(['completed', 'failed', 'expired']);

/** Multipart fields the handler judges: they must arrive as text parts. */
const JUDGED_FIELDS = new Set(['prompt', 'model', 'size', 'seconds', 'name', 'video[id]']);

/** A refusal for a bad value, from core's validators (which name the field and what is allowed). */
function fromValidation(error: unknown): never {
  if (error instanceof ValidationError) throw invalidField(error.field, error.message);
  throw error;
}

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
 * @example
 * const handler = createSoraHandler({ authorize: async (req) => (await getSession(req))?.user ?? null });
 */
export function createSoraHandler(options: SoraHandlerOptions): SoraHandler {
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
  const store: JobStore = options.store ?? memoryStore();
  if (MEMORY_STORE in store && readEnv('NODE_ENV') === 'production') {
    logger.warn(
      '@sora-kit/server: jobs are owned in memory (memoryStore): ownership is lost on restart and not shared ' +
        'between instances. Pass a shared `store` in production (see the README).',
    );
  }
  const policy = resolvePolicy(options.policy);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const trusted = [...(options.trustedOrigins ?? []), ...(options.cors?.origins ?? [])];
  const contentOptions = {
    contentLinks: options.contentLinks ?? 'stream',
    allowPrivateLinks: options.allowPrivateLinks ?? false,
  } as const;
  const pending = new Map<string, number>();
  let missingKeyLogged = false;

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (!path.startsWith(`${basePath}/`)) return noRoute();
    const match = matchRoute(request.method, path.slice(basePath.length));
    if (!match) return noRoute();
    const cors = corsHeaders(request, options.cors);
    if (!('operation' in match) || request.method === 'OPTIONS') {
      const allowed = 'allowed' in match ? match.allowed : [request.method];
      if (request.method === 'OPTIONS') {
        const answer = preflight(request, options.cors, allowed);
        if (answer) return answer;
      }
      return errorResponse(
        405,
        {
          message: `${request.method.slice(0, 20)} is not allowed here.`,
          type: 'invalid_request_error',
          code: 'method_not_allowed',
        },
        { allow: allowed.join(', ') },
      );
    }
    const stateChanging = request.method !== 'GET';
    const sameSite = stateChanging
      ? fromTrustedPage(request, url, trusted)
      : !crossSiteRead(request, url, trusted);
    if (!sameSite) {
      return errorResponse(
        403,
        {
          message:
            'Cross-site requests are refused: call this from a page of the same origin (or list the origin in `cors`).',
          type: 'permission_error',
          code: 'cross_site_request',
        },
        cors,
      );
    }
    const user = await options.authorize(request);
    if (user === null || user === undefined) {
      return errorResponse(
        401,
        { message: 'Sign in first.', type: 'authentication_error', code: 'unauthenticated' },
        cors,
      );
    }
    if (typeof user.userId !== 'string' || user.userId === '')
      throw new Error('authorize returned no userId');
    const apiKey = options.apiKey ?? readEnv('SORA_API_KEY');
    if (!apiKey) {
      if (!missingKeyLogged) logger.error('@sora-kit/server: no API key (set SORA_API_KEY or pass apiKey).');
      missingKeyLogged = true;
      return errorResponse(
        500,
        { message: 'The server is not configured.', type: 'server_error', code: 'not_configured' },
        cors,
      );
    }
    const upstream: Upstream = {
      baseUrl,
      apiKey,
      fetch: options.fetch ?? ((i, init) => fetch(i, init)),
      timeoutMs,
      logger,
    };
    const operation = new Operation(request, url, match, user.userId, upstream, cors);
    return operation.run();
  };

  /** One request's work, with what every step needs at hand. */
  class Operation {
    private readonly time: { signal: AbortSignal; done(): void };
    constructor(
      private readonly request: Request,
      private readonly url: URL,
      private readonly match: RouteMatch,
      private readonly userId: string,
      private readonly upstream: Upstream,
      private readonly cors: Headers,
    ) {
      this.time = deadline(request.signal, upstream.timeoutMs);
    }

    async run(): Promise<Response> {
      try {
        return await this.dispatch();
      } finally {
        this.time.done();
      }
    }

    private dispatch(): Promise<Response> {
      const { operation, id } = this.match;
      switch (operation) {
        case 'listVideos':
          return this.list();
        case 'createVideo':
          return this.startJob(() => this.sendJob('/v1/videos', ['model', 'size', 'seconds'], 'create'));
        case 'retrieveVideo':
          return this.owned(id, 'video', () => this.retrieve(id!));
        case 'deleteVideo':
          return this.owned(id, 'video', () => this.remove(id!));
        case 'downloadVideoContent':
          return this.owned(id, 'video', () => this.content(id!));
        case 'remixVideo':
          return this.owned(id, 'video', () =>
            this.startJob(() => this.sendJob(`/v1/videos/${id}/remix`, [], 'remix')),
          );
        case 'editVideo':
          return this.startJob(() => this.sendJob('/v1/videos/edits', [], 'derive'));
        case 'extendVideo':
          return this.startJob(() => this.sendJob('/v1/videos/extensions', ['seconds'], 'derive'));
        case 'createCharacter':
          return this.sendJob('/v1/videos/characters', [], 'character');
        case 'getCharacter':
          return this.owned(id, 'character', async () =>
            this.relay(await this.json('GET', `/v1/videos/characters/${id}`)),
          );
        default:
          return Promise.resolve(assertNever(operation));
      }
    }

    /** 404, the same as for a missing id, unless the user owns `id`. */
    private async owned(id: string | undefined, kind: 'video' | 'character', then: () => Promise<Response>) {
      if (!validId(id) || !(await store.owns(this.userId, id)))
        return this.withCors(notFound(kind, id ?? ''));
      return then();
    }

    private withCors(response: Response): Response {
      for (const [name, value] of this.cors) response.headers.set(name, value);
      return response;
    }

    private async json(
      method: string,
      path: string,
      body?: { bytes: BodyInit; headers: Headers },
    ): Promise<UpstreamJson> {
      const response = await callUpstream(this.upstream, path, {
        method,
        headers: body?.headers ?? new Headers(),
        body: body?.bytes ?? null,
        signal: this.time.signal,
      });
      return readUpstream(this.upstream, response);
    }

    private relay(answer: UpstreamJson): Response {
      return relay(this.upstream, answer, this.cors);
    }

    private async retrieve(id: string): Promise<Response> {
      const answer = await this.json('GET', `/v1/videos/${id}`);
      await this.noteStatus(id, answer);
      return this.relay(answer);
    }

    /** Keeps the store's view in step: finished jobs stop counting as in flight, gone ones are forgotten. */
    private async noteStatus(id: string, answer: UpstreamJson): Promise<void> {
      if (answer.status === 404) await store.remove(this.userId, id);
      const status = (answer.json as { status?: unknown } | null)?.status;
      if (answer.status === 200 && TERMINAL.has(normalizeStatus(status))) await store.finish(id);
    }

    private async remove(id: string): Promise<Response> {
      const answer = await this.json('DELETE', `/v1/videos/${id}`);
      if ((answer.status >= 200 && answer.status < 300) || answer.status === 404)
        await store.remove(this.userId, id);
      return this.relay(answer);
    }

    private async content(id: string): Promise<Response> {
      const variant = this.url.searchParams.get('variant');
      if (variant !== null && !['video', 'thumbnail', 'spritesheet'].includes(variant)) {
        throw invalidField(
          'variant',
          `Invalid value for 'variant': '${variant.slice(0, 40)}'. Allowed: 'video', 'thumbnail', 'spritesheet'.`,
        );
      }
      const query = variant === null ? '' : `?variant=${variant}`;
      return serveContent(
        this.upstream,
        contentOptions,
        this.request,
        `/v1/videos/${id}/content${query}`,
        this.time,
        this.cors,
      );
    }

    /** The user's own jobs, newest first by default, in the API's list shape (`after` is an id of theirs). */
    private async list(): Promise<Response> {
      const params = this.url.searchParams;
      const limitText = params.get('limit');
      const limit = limitText === null ? 20 : Number(limitText);
      if (!(Number.isInteger(limit) && limit >= 1 && limit <= 100)) {
        throw invalidField(
          'limit',
          `Invalid value for 'limit': ${JSON.stringify(limitText?.slice(0, 20))}. Allowed: an integer from 1 to 100.`,
        );
      }
      const order = params.get('order') ?? 'desc';
      if (order !== 'asc' && order !== 'desc') {
        throw invalidField(
          'order',
          `Invalid value for 'order': '${order.slice(0, 20)}'. Allowed: 'asc', 'desc'.`,
        );
      }
      const after = params.get('after') ?? undefined;
      if (after !== undefined && !(validId(after) && (await store.owns(this.userId, after)))) {
        throw invalidField(
          'after',
          `Invalid value for 'after': '${after.slice(0, 80)}'. Allowed: the id of one of your videos.`,
        );
      }
      const page = await store.list(this.userId, { after, limit, order });
      const answers = await mapLimited(
        page.ids,
        8,
        async (id) => [id, await this.json('GET', `/v1/videos/${id}`)] as const,
      );
      const data: unknown[] = [];
      for (const [id, answer] of answers) {
        await this.noteStatus(id, answer);
        if (answer.status === 404) continue; // deleted elsewhere or expired: no longer listed
        if (answer.status !== 200 || typeof answer.json !== 'object' || answer.json === null)
          return this.relay(answer);
        data.push(answer.json);
      }
      const ids = data.map((video) => (video as { id: string }).id);
      const body = {
        object: 'list',
        data,
        first_id: ids[0] ?? null,
        last_id: ids.at(-1) ?? null,
        has_more: page.hasMore,
      };
      return jsonResponse(200, body, this.cors);
    }

    /** Admits a new paid job under the policy's in-flight and per-window limits, then runs `send`. */
    private async startJob(send: () => Promise<Response>): Promise<Response> {
      // Reserved before the first await, so concurrent requests of one user cannot all pass the same count.
      const mine = (pending.get(this.userId) ?? 0) + 1;
      pending.set(this.userId, mine);
      try {
        await this.admit(mine - 1);
        return await send();
      } finally {
        const left = (pending.get(this.userId) ?? 1) - 1;
        if (left > 0) pending.set(this.userId, left);
        else pending.delete(this.userId);
      }
    }

    private async admit(othersPending: number): Promise<void> {
      const since = Date.now() - policy.windowSeconds * 1000;
      let usage = await store.usage(this.userId, since);
      if (usage.createdSince + othersPending >= policy.maxJobsPerWindow) {
        throw policyRefusal(
          null,
          `You have started ${usage.createdSince} jobs in the last ${policy.windowSeconds} s; the limit is ${policy.maxJobsPerWindow}.`,
          'job_quota_exceeded',
        );
      }
      if (usage.active.length + othersPending >= policy.maxInFlight) {
        // The store may not have seen jobs finish (nobody polled them): ask the API about those before refusing.
        for (const id of usage.active) await this.noteStatus(id, await this.json('GET', `/v1/videos/${id}`));
        usage = await store.usage(this.userId, since);
        if (usage.active.length + othersPending >= policy.maxInFlight) {
          throw policyRefusal(
            null,
            `You have ${usage.active.length} jobs in flight; the limit is ${policy.maxInFlight}. Wait for one to finish.`,
            'too_many_jobs_in_flight',
          );
        }
      }
    }

    /**
     * Sends a body that makes a job (or a character) after checking it: JSON read whole (capped), multipart
     * streamed through with its last chunk held until the fields are judged. Records the new id as the user's.
     */
    private async sendJob(
      path: string,
      shapeFields: ('model' | 'size' | 'seconds')[],
      kind: 'create' | 'remix' | 'derive' | 'character',
    ): Promise<Response> {
      const type = this.request.headers.get('content-type') ?? '';
      const headers = new Headers();
      const key = this.request.headers.get('idempotency-key');
      if (key !== null) {
        if (!/^[\x21-\x7e]{1,200}$/.test(key))
          throw invalidField(
            'Idempotency-Key',
            'Invalid Idempotency-Key: 1 to 200 visible ASCII characters.',
          );
        // Scoped to the user: the same key from another user must never answer with this user's job.
        headers.set('idempotency-key', `${await userTag(this.userId)}-${key}`);
      }
      let answer: UpstreamJson;
      const boundary = boundaryOf(type);
      if (/^application\/json\s*(;|$)/i.test(type) && kind !== 'character') {
        if (declaredTooLarge(this.request, policy.maxJsonBytes)) throw tooLarge(policy.maxJsonBytes);
        const bytes = await readCapped(this.request.body, policy.maxJsonBytes).catch((error) => {
          if (error instanceof HandlerRefusal) throw error;
          throw invalidField('body', 'The request body could not be read to its end.');
        });
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw invalidField('body', 'The request body is not valid JSON.');
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw invalidField('body', 'The request body must be a JSON object.');
        await this.judge(kind, shapeFields, body as Record<string, unknown>, undefined);
        headers.set('content-type', 'application/json');
        // Re-serialised: the API parses exactly what was judged (a duplicate key such as
        // {"model":"sora-2-pro","model":"sora-2"} cannot mean one thing here and another there).
        answer = await this.json('POST', path, { bytes: JSON.stringify(body), headers });
      } else if (boundary && kind !== 'remix') {
        if (declaredTooLarge(this.request, policy.maxUploadBytes)) throw tooLarge(policy.maxUploadBytes);
        if (!this.request.body) throw invalidField('body', 'The request has no body.');
        // The boundary this handler parsed with, and no other parameter, so the API splits the parts the same way.
        answer = await this.sendUpload(
          path,
          headers,
          `multipart/form-data; boundary=${boundary}`,
          boundary,
          (fields) => {
            const flat = Object.fromEntries(fields.text) as Record<string, unknown>;
            return this.judge(kind, shapeFields, flat, fields);
          },
        );
      } else {
        const allowed =
          kind === 'remix'
            ? 'application/json'
            : kind === 'character'
              ? 'multipart/form-data'
              : 'application/json or multipart/form-data';
        throw new HandlerRefusal(415, {
          message: `Unsupported Content-Type ${JSON.stringify(type.slice(0, 60))}. Allowed: ${allowed}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'unsupported_media_type',
        });
      }
      const id = (answer.json as { id?: unknown } | null)?.id;
      if (answer.status >= 200 && answer.status < 300 && validId(id)) {
        await store.add(this.userId, id, kind === 'character' ? 'character' : 'video', Date.now());
        // The first owner keeps an id: an answer naming someone else's job is not handed over.
        if (!(await store.owns(this.userId, id))) {
          return this.withCors(
            errorResponse(409, {
              message: 'That job belongs to another user.',
              type: 'invalid_request_error',
              code: 'conflict',
            }),
          );
        }
      }
      return this.relay(answer);
    }

    /** Streams a multipart upload through, judging its fields before the upstream gets its last byte. */
    private async sendUpload(
      path: string,
      headers: Headers,
      type: string,
      boundary: string,
      judge: (fields: MultipartFields) => Promise<void>,
    ): Promise<UpstreamJson> {
      const upload = inspectUpload(this.request.body!, boundary, policy.maxUploadBytes);
      headers.set('content-type', type);
      const abort = new AbortController();
      const signal = anySignal(this.time.signal, abort.signal);
      const sent = callUpstream(this.upstream, path, {
        method: 'POST',
        headers,
        body: upload.stream,
        signal,
      });
      sent.catch(() => {});
      const first = await Promise.race([
        upload.fields.then((fields) => ({ fields })),
        sent.then((early) => ({ early })),
      ]).catch((error) => {
        abort.abort();
        // A refusal of the body (413, malformed, cut) explains the failure better than the aborted call.
        throw upload.failure() ?? error;
      });
      if ('early' in first) return readUpstream(this.upstream, first.early); // refused before reading it all
      try {
        await judge(first.fields);
      } catch (error) {
        upload.release(false);
        abort.abort();
        throw error;
      }
      upload.release(true);
      return readUpstream(this.upstream, await sent);
    }

    /** Checks a job's body: its text, the policy's shape, and that a source video is the user's. */
    private async judge(
      kind: 'create' | 'remix' | 'derive' | 'character',
      shapeFields: ('model' | 'size' | 'seconds')[],
      body: Record<string, unknown>,
      upload: MultipartFields | undefined,
    ): Promise<void> {
      try {
        if (kind === 'create') validateCreateParams(body);
        else if (kind === 'character') {
          if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) {
            throw invalidField('name', "Invalid value for 'name': a string of 1 to 200 characters.");
          }
        } else validatePrompt(body.prompt);
      } catch (error) {
        fromValidation(error);
      }
      if (kind !== 'character' && typeof body.prompt === 'string' && body.prompt.trim() === '') {
        throw invalidField(
          'prompt',
          "Invalid value for 'prompt': it is blank. Allowed: a description of the video.",
        );
      }
      // A judged field sent as a file part (some parsers read `filename=""` parts as text) is refused.
      const hidden = upload?.files.find((name) => JUDGED_FIELDS.has(name));
      if (hidden) throw invalidField(hidden, `'${hidden}' must be a text field, not a file.`);
      checkJobShape(policy, body, shapeFields);
      if (kind === 'derive') {
        const reference = upload
          ? (upload.text.get('video[id]') ?? upload.text.get('video'))
          : (body.video as { id?: unknown } | undefined)?.id;
        if (reference === undefined && !upload?.files.includes('video')) {
          throw invalidField(
            'video',
            "Missing 'video': a completed video of yours ({ id }) or an uploaded MP4.",
          );
        }
        if (reference !== undefined && !(validId(reference) && (await store.owns(this.userId, reference)))) {
          throw new HandlerRefusal(404, {
            message: `Video with id '${String(reference).slice(0, 256)}' not found.`,
            type: 'invalid_request_error',
            param: null,
            code: 'not_found',
          });
        }
      }
    }
  }

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
      logger.error(`@sora-kit/server: ${redact(text, options.apiKey ?? readEnv('SORA_API_KEY'))}`);
      if (SoraError.isInstance(error)) return badGateway().toResponse();
      return errorResponse(500, {
        message: 'The server failed to handle the request.',
        type: 'server_error',
        code: 'internal_error',
      });
    }
  };
}

function noRoute(): Response {
  return errorResponse(404, {
    message: 'No such route.',
    type: 'invalid_request_error',
    code: 'unknown_route',
  });
}

function assertNever(operation: never): Response {
  throw new Error(`Unrouted operation ${String(operation)}`);
}

/** A short, stable tag of a user id (SHA-256), to scope idempotency keys per user without revealing the id. */
async function userTag(userId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(userId)));
  return `u${[...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const controller = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await fn(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
