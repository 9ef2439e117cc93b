// @vitest-environment node
import { createSoraClient } from '@sora-kit/core';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

// Browser globals a server render must not touch: each records who looked, and is undefined as on a server.
const BROWSER_GLOBALS = ['window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location'];
let touched: string[] = [];
beforeEach(() => {
  touched = [];
  for (const name of BROWSER_GLOBALS) {
    const had = Object.getOwnPropertyDescriptor(globalThis, name);
    if (had && name === 'navigator') continue; // Node 21+ has one; Node 20 does not
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => {
        touched.push(name);
        return undefined;
      },
    });
  }
});
afterEach(() => {
  for (const name of BROWSER_GLOBALS) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    if (d?.get) delete (globalThis as Record<string, unknown>)[name];
  }
});

describe('server rendering', () => {
  test('importing the package and rendering every hook touches no browser global and sends nothing', async () => {
    let requests = 0;
    const { SoraProvider } = await import('../src/index.js');
    const { EveryHook } = await import('./page.js');
    const client = createSoraClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'sk-server',
      fetch: async () => {
        requests++;
        return new Response('{}');
      },
    });
    const html = renderToString(
      <StrictMode>
        <SoraProvider client={client}>
          <EveryHook id="video_123" />
        </SoraProvider>
      </StrictMode>,
    );
    expect(html).toContain('created: <!-- -->idle<!-- --> ');
    expect(html).toContain('watched: <!-- -->pending<!-- --> <!-- -->0<!-- -->% <!-- -->pending');
    expect(html).toContain('no video yet');
    expect(html).toContain('loading list');
    expect(touched).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(0);
  });

  test('suspense: the boundary renders its fallback on the server (and its content on the client)', async () => {
    const { SoraProvider } = await import('../src/index.js');
    const { EveryHook } = await import('./page.js');
    const client = createSoraClient({ baseUrl: 'http://127.0.0.1:9', apiKey: null });
    const html = renderToString(
      <StrictMode>
        <SoraProvider client={client}>
          <EveryHook id="video_123" suspense />
        </SoraProvider>
      </StrictMode>,
    );
    expect(html).toContain('suspended');
    expect(html).not.toContain('<p>suspense:');
    expect(touched).toEqual(['window']); // `typeof window`: the one check that tells a server
  });

  test('the TanStack Query helpers run on a server', async () => {
    const query = await import('../src/query/index.js');
    touched = []; // TanStack Query itself checks `typeof window` as it loads: not ours to judge
    const client = createSoraClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'sk-server' });
    expect(query.videoQueryOptions(client, 'video_1').queryKey).toEqual([
      'sora-kit',
      'http://127.0.0.1:9',
      'video',
      'video_1',
    ]);
    expect(touched).toEqual([]);
  });
});
