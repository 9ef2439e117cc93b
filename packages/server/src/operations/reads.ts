import { checkId, checkListQuery, validateVariant } from '@sora-kit/core';
import { type ContentVariant, serveContent } from '../content.js';
import type { Scope } from '../context.js';
import { invalidField, jsonResponse, notFound } from '../envelope.js';
import { checked } from '../refusals.js';
import { callJson, relayAnswer, validId, withCors } from '../scope-io.js';
import { entryResponse, readStatus } from '../status/serve.js';

/** 400 for an id outside the spec's pattern (as the API); 404, the same as for a missing id, unless the user owns `id`. */
export async function owned(
  scope: Scope,
  id: string | undefined,
  kind: 'video' | 'character',
  then: (id: string) => Promise<Response>,
): Promise<Response> {
  checked(() => checkId(id, `${kind}_id`)); // (a string of the spec's pattern from here on)
  const valid = id as string;
  if (!(await scope.ctx.store.owns(scope.userId, valid))) return withCors(scope, notFound(kind, valid));
  return then(valid);
}

/**
 * `GET /v1/videos/{id}`: the job's shared status entry while it is fresh (a finished job's always), else one
 * upstream request shared by every reader asking now, on every instance (`status/hub.ts`). An answer that
 * is not the job (404, 429, 5xx) is relayed as the API sent it.
 */
export async function retrieve(scope: Scope, id: string): Promise<Response> {
  const read = await readStatus(scope, id);
  return read.entry ? entryResponse(scope, read.entry) : relayAnswer(scope, read.answer);
}

/** `DELETE /v1/videos/{id}`: forwarded; the store forgets the job once the API has (or never had) it. */
export async function remove(scope: Scope, id: string): Promise<Response> {
  const answer = await callJson(scope, 'DELETE', `/v1/videos/${id}`);
  if ((answer.status >= 200 && answer.status < 300) || answer.status === 404)
    await scope.ctx.store.remove(scope.userId, id);
  return relayAnswer(scope, answer);
}

/** `GET /v1/videos/{id}/content`: the bytes (or the link), with only the `variant` the spec names. */
export async function content(scope: Scope, id: string): Promise<Response> {
  const variant = scope.url.searchParams.get('variant');
  if (variant !== null) checked(() => validateVariant(variant));
  const query = variant === null ? '' : `?variant=${variant}`;
  return serveContent(
    scope.upstream,
    scope.ctx.contentOptions,
    scope.request,
    `/v1/videos/${id}/content${query}`,
    (variant ?? 'video') as ContentVariant,
    scope.time,
    scope.cors,
  );
}

/** `GET /v1/videos/characters/{id}`: forwarded as is (ownership was checked). */
export async function getCharacter(scope: Scope, id: string): Promise<Response> {
  return relayAnswer(scope, await callJson(scope, 'GET', `/v1/videos/characters/${id}`));
}

/** The user's own jobs, newest first by default, in the API's list shape (`after` is an id of theirs). */
export async function list(scope: Scope): Promise<Response> {
  const { store } = scope.ctx;
  const params = scope.url.searchParams;
  // Core's checks, as the client runs them: `limit` 0-100 (0: an empty page whose has_more says whether
  // any job exists), `order` asc/desc, `after` an id (and, below, one of the user's).
  const limitText = params.get('limit');
  const limit =
    limitText === null ? 20 : /^\d{1,3}$/.test(limitText) ? Number(limitText) : limitText.slice(0, 20);
  const order = params.get('order') ?? 'desc';
  const after = params.get('after') ?? undefined;
  checked(() => checkListQuery({ limit, order, after }));
  if (after !== undefined && !(validId(after) && (await store.owns(scope.userId, after)))) {
    throw invalidField(
      'after',
      `Invalid value for 'after': '${after.slice(0, 80)}'. Allowed: the id of one of your videos.`,
    );
  }
  const page = await store.list(scope.userId, {
    after,
    limit: limit as number,
    order: order as 'asc' | 'desc',
  });
  // The same shared entries as `retrieve`: finished jobs come from the store, the others cost at most one
  // upstream request per job and interval, however many pages and readers ask.
  const reads = await mapLimited(page.ids, 8, (id) => readStatus(scope, id));
  const data: unknown[] = [];
  for (const read of reads) {
    if (read.entry) {
      data.push(JSON.parse(read.entry.body));
      continue;
    }
    if (read.answer.status === 404) continue; // deleted elsewhere or expired: no longer listed
    return relayAnswer(scope, read.answer);
  }
  const ids = data.map((video) => (video as { id: string }).id);
  const body = {
    object: 'list',
    data,
    first_id: ids[0] ?? null,
    last_id: ids.at(-1) ?? null,
    has_more: page.hasMore,
  };
  return jsonResponse(200, body, scope.cors);
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
