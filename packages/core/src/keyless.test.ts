import { expect, test } from 'vitest';
import { createSoraClient } from './client.js';

const keyless = (client: object) => (client as Record<symbol, unknown>)[Symbol.for('sora-kit.keyless')];

test('a client is keyless only without a key, headers or a fetch of its own', () => {
  const baseUrl = 'http://127.0.0.1:9';
  expect(keyless(createSoraClient({ baseUrl, apiKey: null }))).toBe(true);
  expect(keyless(createSoraClient({ baseUrl, apiKey: 'sk-x' }))).toBe(false);
  expect(keyless(createSoraClient({ baseUrl, apiKey: null, headers: { 'x-token': 't' } }))).toBe(false);
  expect(keyless(createSoraClient({ baseUrl, apiKey: null, fetch: (i, init) => fetch(i, init) }))).toBe(
    false,
  );
  // Not enumerable: serialising or spreading the client shows nothing new.
  const client = createSoraClient({ baseUrl, apiKey: null });
  expect(Object.getOwnPropertySymbols({ ...client })).toEqual([]);
  expect(JSON.stringify(client)).not.toContain('keyless');
});
