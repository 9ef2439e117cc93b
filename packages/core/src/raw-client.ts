import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './generated/openapi.js';

/** The typed low-level client: one method per HTTP verb, paths and bodies checked against the spec. */
export type RawClient = Client<paths>;

/** Options of {@link createRawClient}; those of openapi-fetch's `createClient`. */
export type RawClientOptions = ClientOptions;

/**
 * A thin typed client built by openapi-fetch on the types generated from `spec/openapi.yaml`.
 * Paths, path and query parameters, request bodies and responses are all typed; it adds no
 * retries, validation or auth of its own (use `createSoraClient` for those).
 *
 * @example
 * const raw = createRawClient({ baseUrl: 'https://api.gpt.ge', headers: { Authorization: `Bearer ${key}` } });
 * const { data, error } = await raw.POST('/v1/videos', { body: { prompt: 'a tiger in a farmyard', seconds: '8' } });
 */
export function createRawClient(options: RawClientOptions = {}): RawClient {
  return createClient<paths>(options);
}
