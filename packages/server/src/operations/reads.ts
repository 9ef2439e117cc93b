import { type ContentVariant, serveContent } from '../content.js';
import type { Scope } from '../context.js';
import { invalidField, jsonResponse, notFound } from '../envelope.js';
import { callJson, noteStatus, relayAnswer, validId, withCors } from '../scope-io.js';

/** 404, the same as for a missing id, unless the user owns `id`. */
export async function owned(
  scope: Scope,
  id: string | undefined,
  kind: 'video' | 'character',
  then: (id: string) => Promise<Response>,
): Promise<Response> {
  if (!validId(id) || !(await scope.ctx.store.owns(scope.userId, id)))
    return withCors(scope, notFound(kind, id ?? ''));
  return then(id);
}

/** `GET /v1/videos/{id}`: the API's answer, noting a finished or vanished job in the store. */
export async function retrieve(scope: Scope, id: string): Promise<Response> {
  const answer = await callJson(scope, 'GET', `/v1/videos/${id}`);
  await noteStatus(scope, id, answer);
  return relayAnswer(scope, answer);
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
  if (variant !== null && !['video', 'thumbnail', 'spritesheet'].includes(variant)) {
    throw invalidField(
      'variant',
      `Invalid value for 'variant': '${variant.slice(0, 40)}'. Allowed: 'video', 'thumbnail', 'spritesheet'.`,
    );
  }
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
  if (after !== undefined && !(validId(after) && (await store.owns(scope.userId, after)))) {
    throw invalidField(
      'after',
      `Invalid value for 'after': '${after.slice(0, 80)}'. Allowed: the id of one of your videos.`,
    );
  }
  const page = await store.list(scope.userId, { after, limit, order });
  const answers = await mapLimited(
    page.ids,
    8,
    async (id) => [id, await callJson(scope, 'GET', `/v1/videos/${id}`)] as const,
  );
  const data: unknown[] = [];
  for (const [id, answer] of answers) {
    await noteStatus(scope, id, answer);
    if (answer.status === 404) continue; // deleted elsewhere or expired: no longer listed
    if (answer.status !== 200 || typeof answer.json !== 'object' || answer.json === null)
      return relayAnswer(scope, answer);
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
