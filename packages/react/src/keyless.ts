import type { SoraClient } from '@sora-kit/core';

/**
 * Whether `client` was made with `apiKey: null` and no headers or fetch of its own (a browser client behind
 * `@sora-kit/server`, which adds the key): a URL under its `baseUrl` then loads the same in a plain
 * `<video src>` or `EventSource` as through the client. Core marks such a client under a global symbol.
 */
export const isKeyless = (client: SoraClient): boolean =>
  (client as unknown as Record<symbol, unknown>)[Symbol.for('sora-kit.keyless')] === true;
