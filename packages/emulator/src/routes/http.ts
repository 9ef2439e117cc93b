/**
 * What every operation handler does the same way: validated parameters and bodies, the Video answer
 * with its polling headers, and Idempotency-Key replays.
 */
import type { Context } from 'hono';
import { ApiError, notFound } from '../errors.js';
import { emptyObject } from '../form-fields.js';
import type { operations, Video } from '../generated/openapi.js';
import type { Job } from '../jobs.js';
import { type ApiOperationId, operationSpec } from '../operations.js';
import { type RequestBody, readRequestBody } from '../request-body.js';
import type { AppEnv, EmulatorState } from '../state.js';
import { assertValid } from '../validation.js';
import { toVideo } from '../video-view.js';

/** A handler of one operation. */
export type OperationHandler = (c: Context<AppEnv>) => Promise<Response>;

/** A handler for every operation of the spec: the compiler checks none is missing. */
export type OperationHandlers = { [K in ApiOperationId]: OperationHandler };

type ParametersOf<K extends ApiOperationId> = operations[K]['parameters'];

/** An operation's parameters, validated against the spec (query values coerced to their types). */
export interface ValidParameters<K extends ApiOperationId> {
  query: NonNullable<ParametersOf<K>['query']>;
  path: NonNullable<ParametersOf<K>['path']>;
  header: NonNullable<ParametersOf<K>['header']>;
}

function validators(state: EmulatorState, id: ApiOperationId) {
  const found = state.validators.get(id);
  if (!found) throw new Error(`no validators for ${id}`);
  return found;
}

/** Reads and validates the query, path and header parameters the spec declares for `id`. */
export function validParameters<K extends ApiOperationId>(
  c: Context<AppEnv>,
  state: EmulatorState,
  id: K,
): ValidParameters<K> {
  const spec = operationSpec(id);
  const compiled = validators(state, id).params;
  const url = new URL(c.req.url);
  // Objects built from input have no prototype: no inherited property can pass for a parameter.
  const values = { query: emptyObject(), path: emptyObject(), header: emptyObject() };
  // The last of repeated query parameters wins, as with Object.fromEntries.
  for (const [name, value] of url.searchParams) values.query[name] = value;
  const path = c.req.param() as Record<string, string>;
  for (const name in path) values.path[name] = path[name];
  for (const parameter of spec.parameters) {
    if (parameter.in !== 'header') continue;
    const value = c.req.header(parameter.name);
    if (value !== undefined) values.header[parameter.name] = value;
  }
  // Path first: an unknown id in the URL is reported before a bad query or header.
  for (const location of ['path', 'query', 'header'] as const) {
    const validate = compiled.get(location);
    if (validate) assertValid(validate, values[location]);
  }
  return values as unknown as ValidParameters<K>;
}

/** Reads and validates the request body of `id` (JSON or multipart, as the spec allows). */
export function validBody<T>(
  c: Context<AppEnv>,
  state: EmulatorState,
  id: ApiOperationId,
): Promise<RequestBody<T>> {
  return readRequestBody<T>(c.req.raw, operationSpec(id), validators(state, id), state.options);
}

/** The job `id`, or the 404 envelope naming `param`. */
export function findJob(state: EmulatorState, id: string, param = 'video_id'): Job {
  const job = state.jobs.get(id);
  if (!job) throw notFound('Video', id, param);
  return job;
}

/** The job `id` if it has completed, else the 404 or 400 envelope (a source must be, to be reused). */
export function completedJob(state: EmulatorState, id: string, param: string, verb: string): Job {
  const job = findJob(state, id, param);
  const { status } = state.jobs.state(job);
  if (status !== 'completed') {
    throw new ApiError(
      400,
      `Video '${id}' is not completed (status: ${status}); only completed videos can be ${verb}.`,
      {
        param,
        code: 'video_not_completed',
      },
    );
  }
  return job;
}

/**
 * The answer carrying a job as a `Video`. It is never cacheable (a poll must see fresh progress), and
 * while the job runs it suggests when to poll again with `openai-poll-after-ms`.
 */
export function videoResponse(c: Context<AppEnv>, state: EmulatorState, job: Job): Response {
  const jobState = state.jobs.state(job);
  const video: Video = toVideo(job, jobState, state.options.contentTtlSeconds, c.get('statusStyle'));
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  const running = jobState.status === 'queued' || jobState.status === 'in_progress';
  if (running && state.options.pollAfterMs !== false) {
    headers['openai-poll-after-ms'] = String(state.options.pollAfterMs);
  }
  return c.json(video, 200, headers);
}

/**
 * Runs `make` once per Idempotency-Key: a retry of the same request answers what the first one made
 * (with `idempotent-replayed: true`), the same key with another request is a 409. Without a key every
 * request makes something new. `make` is synchronous, so no other request can slip in between the
 * check and the remembering.
 */
export async function idempotently(
  c: Context<AppEnv>,
  state: EmulatorState,
  body: RequestBody<unknown>,
  make: () => string,
  answer: (id: string) => Response,
): Promise<Response> {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return answer(make());
  // Joined into one flat string: it is kept (with up to `maxJobs` others), a template would keep a rope.
  const fingerprint = [c.req.method, c.req.path, await body.fingerprint()].join(' ');
  const earlier = state.idempotency.replay(key, fingerprint);
  if (earlier !== undefined) {
    const response = answer(earlier);
    response.headers.set('idempotent-replayed', 'true');
    return response;
  }
  const id = make();
  state.idempotency.remember(key, fingerprint, id);
  return answer(id);
}
