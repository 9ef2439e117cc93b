import { createContext, type SoraClientOptions } from './options.js';
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
  // Tells @sora-kit/core/node whether you chose a fetch (e.g. with a proxy agent), which it must then use,
  // and @sora-kit/react whether a media URL can be handed to the page's <video> as it is.
  return Object.defineProperties(
    { baseUrl: ctx.baseUrl, videos: createVideos(ctx) },
    {
      [CUSTOM_FETCH]: { value: options.fetch },
      [KEYLESS]: { value: ctx.secret() === null && !options.headers && !options.fetch },
    },
  );
}

/** @internal Where the client keeps the `fetch` it was given, if any. */
export const CUSTOM_FETCH = Symbol.for('sora-kit.customFetch');

/**
 * @internal Whether a URL under `baseUrl` loads the same in a plain `<video src>` as through the client: it
 * sends no API key (`apiKey: null`) and has no headers or fetch of its own, as a browser client behind a
 * server proxy that adds the key. @sora-kit/react then streams media from that URL instead of downloading it.
 */
export const KEYLESS = Symbol.for('sora-kit.keyless');
