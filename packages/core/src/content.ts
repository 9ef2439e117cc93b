import { readText } from './body.js';
import { SoraError } from './errors.js';
import type { VideoContentLink, VideoContentVariant } from './generated/openapi.js';
import { CHECK_REDIRECT, checkLink } from './link-safety.js';
import { api } from './operation.js';
import { type Context, type RequestOptions, runtimeFetch } from './options.js';
import { send } from './request.js';
import { oneOf, VARIANTS } from './validation.js';

/**
 * What `contentLink` answers: the temporary link a gateway gave (`link`, its JSON `{url, expires_at?}`), or
 * the media itself (`response`) from a server that sends the bytes at once (the OpenAI API).
 */
export type ContentLinkAnswer =
  | { link: VideoContentLink; response?: undefined }
  | { link?: undefined; response: Response };

/** Options of `downloadContent` and `contentLink`. */
export interface DownloadContentOptions extends RequestOptions {
  /** `video` (MP4), `thumbnail` (WebP) or `spritesheet` (JPEG). Default: the server's, `video`. */
  variant?: VideoContentVariant | undefined;
  /** A `Range` to resume with, e.g. `bytes=1048576-`; sent to the download link's host too. */
  range?: string | undefined;
  /** The `If-Range` validator (the ETag of the part you hold), so a changed file is sent whole. */
  ifRange?: string | undefined;
}

/**
 * Asks `/content` for the media of a completed job. The server answers with the bytes (the OpenAI API:
 * `{ response }`, a standard `Response` with an unread body), or (gpt.ge and other gateways) with JSON
 * `{url}` of a temporary link on another host, which must first pass `checkLink` (no loopback, private or
 * link-local address unless the API is on one, or `allowPrivateLinks` says so). With `follow`
 * (`downloadContent`) the link is then fetched, without the `Authorization` header or the client's
 * headers, and answered as `{ response }`; without it (`contentLink`) it is answered as `{ link }`.
 */
export async function fetchContent(
  ctx: Context,
  id: string,
  options: DownloadContentOptions = {},
  follow?: boolean,
): Promise<ContentLinkAnswer> {
  oneOf('variant', options.variant, VARIANTS);
  const ranged: Record<string, string> = {};
  if (options.range) ranged.Range = options.range;
  if (options.ifRange) ranged['If-Range'] = options.ifRange;
  // Every request of a download carries the link check, which nodeFetch applies to each redirect it
  // follows: a redirect is a link too. (Other fetches ignore the field and follow redirects themselves.)
  const checked = (next: string) => checkLink(next, ctx.baseUrl, ctx.allowPrivateLinks);
  const transport = options.fetch ?? ctx.fetch ?? runtimeFetch;
  // A fetch that follows redirects itself (the global one) is checked where it ended up: a download that
  // went through a refused hop (an https API redirecting to http) is dropped before its bytes are used.
  const fetchChecked = async (url: string | URL | Request, init?: RequestInit) => {
    const response = await transport(url, { ...init, [CHECK_REDIRECT]: checked } as RequestInit);
    if (response.redirected) {
      try {
        checked(response.url);
      } catch (error) {
        response.body?.cancel().catch(() => {});
        throw error;
      }
    }
    return response;
  };
  const { response } = await api(
    ctx,
    'GET',
    '/v1/videos/{video_id}/content',
    { id, query: { variant: options.variant } },
    { ...options, headers: { ...options.headers, ...ranged }, fetch: fetchChecked },
    { auth: true, stream: true },
  );
  if (!response.headers.get('content-type')?.includes('json')) return { response };
  // Not JSON, or a body that broke: no url. (Ours, a too large or idle body, is thrown as it is.)
  const link: VideoContentLink | undefined = await readText(response, ctx.maxResponseBytes)
    .then(JSON.parse)
    .catch((error) => {
      if (SoraError.isInstance(error)) throw error;
    });
  const url = link?.url;
  if (typeof url !== 'string') throw new SoraError(`Video ${id}: the content answer has no url`);
  checked(url);
  if (!follow) return { link: link as VideoContentLink };
  const media = await send(ctx, { ...options, headers: ranged }, url, (init) => fetchChecked(url, init), {
    stream: true,
  });
  return { response: media.response };
}
