import { type Context, createContext, type SoraClientOptions } from './options.js';
import { createVideos, type Videos } from './videos.js';

/** A client of the /v1/videos API. */
export interface SoraClient {
  /** The server's origin the key is sent to. */
  readonly baseUrl: string;
  /** Video jobs: create, poll, download, list, remix, delete, … */
  readonly videos: Videos;
}

/**
 * Makes a client. The API key lives only in a closure: it is not a property of the client, so logging,
 * inspecting or serialising the client (or any error) cannot show it.
 *
 * @example
 * const client = createSoraClient(); // SORA_API_KEY, https://api.gpt.ge
 * const video = await client.videos.createAndPoll({ prompt: 'a tiger in a farmyard', seconds: '8' });
 * const response = await client.videos.downloadContent(video.id);
 */
export function createSoraClient(options: SoraClientOptions = {}): SoraClient {
  const ctx = createContext(options);
  return Object.defineProperties(
    { baseUrl: ctx.baseUrl, videos: createVideos(ctx) },
    {
      // What @sora-kit/core/node reads of the client (its context: whether you chose a fetch, e.g. with a
      // proxy agent, which downloads must then use too), on a symbol: not enumerable, not part of the API.
      [INTERNALS]: { value: ctx },
      // Tells @sora-kit/react whether a media URL can be handed to the page's <video> as it is.
      [KEYLESS]: { value: options.apiKey === null && !options.headers && !options.fetch },
    },
  );
}

/**
 * @internal Whether a URL under `baseUrl` loads the same in a plain `<video src>` as through the client: it
 * sends no API key (`apiKey: null`) and has no headers or fetch of its own, as a browser client behind a
 * server proxy that adds the key. @sora-kit/react then streams media from that URL instead of downloading it.
 */
export const KEYLESS = Symbol.for('sora-kit.keyless');

/**
 * @internal What `@sora-kit/core/node` reads of a client's context: the `fetch` it was given, if any (a
 * proxy agent, which downloads must use too), the redactor of the download's own errors, and its `timeout`
 * (the idle timeout of a download's body).
 */
export type ClientInternals = Pick<Context, 'fetch' | 'redact' | 'timeout'>;

/** @internal Where a client keeps its {@link ClientInternals} (global, so a duplicate install finds them). */
export const INTERNALS = Symbol.for('sora-kit.clientInternals');

/** @internal The internals of a client, or defaults for an object that only looks like one. */
export const internalsOf = (client: SoraClient): ClientInternals =>
  (client as { [INTERNALS]?: ClientInternals })[INTERNALS] ?? {
    fetch: undefined,
    redact: (value) => value,
    timeout: 60_000,
  };
