/**
 * One table of client mistakes and the envelope the API answers each with (`status`, `error.code`,
 * `error.param`). The emulator's tests check it is what the emulator says; the server's tests check the
 * key-holding handler says the same in front of it: a client cannot tell them apart by their refusals.
 * `{video}` in a path stands for a completed video of the caller's.
 */
export interface Mistake {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** A JSON body (sent as `application/json`). */
  json?: unknown;
  /** A raw body and its content type, for bodies JSON cannot express. */
  raw?: { body: string; contentType: string };
  status: number;
  code: string;
  param: string | null;
}

const missingVideo = `video_${'0'.repeat(48)}`;

export const MISTAKES: readonly Mistake[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/v1/videos',
    raw: { body: '{"prompt": "unterminated', contentType: 'application/json' },
    status: 400,
    code: 'invalid_json',
    param: null,
  },
  {
    name: 'a JSON body that is not an object',
    method: 'POST',
    path: '/v1/videos',
    raw: { body: '["a tiger"]', contentType: 'application/json' },
    status: 400,
    code: 'invalid_type',
    param: null,
  },
  {
    name: 'no prompt',
    method: 'POST',
    path: '/v1/videos',
    json: { seconds: '4' },
    status: 400,
    code: 'missing_required_parameter',
    param: 'prompt',
  },
  {
    name: 'seconds outside the enum',
    method: 'POST',
    path: '/v1/videos',
    json: { prompt: 'a tiger', seconds: '5' },
    status: 400,
    code: 'invalid_value',
    param: 'seconds',
  },
  {
    name: 'a body over every cap (9 MiB of prompt)',
    method: 'POST',
    path: '/v1/videos',
    raw: { body: JSON.stringify({ prompt: 'a'.repeat(9 * 1024 * 1024) }), contentType: 'application/json' },
    status: 413,
    code: 'request_too_large',
    param: null,
  },
  {
    name: 'list order outside the enum',
    method: 'GET',
    path: '/v1/videos?order=sideways',
    status: 400,
    code: 'invalid_value',
    param: 'order',
  },
  {
    name: 'content variant outside the enum',
    method: 'GET',
    path: '/v1/videos/{video}/content?variant=gif',
    status: 400,
    code: 'invalid_value',
    param: 'variant',
  },
  {
    name: 'an unknown video',
    method: 'GET',
    path: `/v1/videos/${missingVideo}`,
    status: 404,
    code: 'not_found',
    param: 'video_id',
  },
  {
    name: 'deleting an unknown video',
    method: 'DELETE',
    path: `/v1/videos/${missingVideo}`,
    status: 404,
    code: 'not_found',
    param: 'video_id',
  },
  {
    name: 'a malformed video id',
    method: 'GET',
    path: '/v1/videos/not%20an%20id',
    status: 400,
    code: 'invalid_value',
    param: 'video_id',
  },
  {
    name: 'an unknown character',
    method: 'GET',
    path: '/v1/videos/characters/char_missing',
    status: 404,
    code: 'not_found',
    param: 'character_id',
  },
  {
    name: 'a remix without a prompt',
    method: 'POST',
    path: '/v1/videos/{video}/remix',
    json: {},
    status: 400,
    code: 'missing_required_parameter',
    param: 'prompt',
  },
  {
    name: 'an edit without a video',
    method: 'POST',
    path: '/v1/videos/edits',
    json: { prompt: 'make it a wolf' },
    status: 400,
    code: 'missing_required_parameter',
    param: 'video',
  },
  {
    name: 'an edit of an unknown video',
    method: 'POST',
    path: '/v1/videos/edits',
    json: { prompt: 'make it a wolf', video: { id: missingVideo } },
    status: 404,
    code: 'not_found',
    param: 'video.id',
  },
];

/** The request of a mistake against `base` (the origin, or the handler's base path before `/v1`), `{video}` filled in. */
export function mistakeRequest(
  mistake: Mistake,
  base: string,
  video: string,
  headers: Record<string, string>,
): [string, RequestInit] {
  const init: RequestInit = { method: mistake.method, headers: { ...headers } };
  if (mistake.json !== undefined) {
    init.body = JSON.stringify(mistake.json);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  } else if (mistake.raw) {
    init.body = mistake.raw.body;
    (init.headers as Record<string, string>)['content-type'] = mistake.raw.contentType;
  }
  return [`${base}${mistake.path.replace('{video}', video)}`, init];
}
