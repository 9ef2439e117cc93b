import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { AuthenticationError, createSoraClient, readEnv, SoraError } from './index.js';
import { KEY, useEmulator } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';

const t = useEmulator();
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
afterEach(() => {
  vi.unstubAllEnvs();
  gw.requests.length = 0;
});

describe('createSoraClient options', () => {
  test('apiKey defaults to SORA_API_KEY and baseUrl to SORA_BASE_URL', async () => {
    vi.stubEnv('SORA_API_KEY', KEY);
    vi.stubEnv('SORA_BASE_URL', t.emu.url);
    const client = createSoraClient();
    expect(client.baseUrl).toBe(t.emu.url);
    const video = await client.videos.create({ prompt: 'a tiger' });
    // Reached, with the key from the environment (a short job may already be rendering on a loaded machine).
    expect(['queued', 'in_progress']).toContain(video.status);
  });

  test('readEnv: trimmed, and undefined when unset or blank (how the key and base URL are read)', () => {
    vi.stubEnv('SORA_KIT_TEST_SETTING', '  a value \n');
    expect(readEnv('SORA_KIT_TEST_SETTING')).toBe('a value');
    vi.stubEnv('SORA_KIT_TEST_SETTING', '   ');
    expect(readEnv('SORA_KIT_TEST_SETTING')).toBeUndefined();
    expect(readEnv('SORA_KIT_TEST_UNSET_SETTING')).toBeUndefined();
  });

  test('the default server is https://api.gpt.ge; a trailing /v1 or slash is dropped', () => {
    vi.stubEnv('SORA_BASE_URL', '');
    expect(createSoraClient({ apiKey: 'k' }).baseUrl).toBe('https://api.gpt.ge');
    expect(createSoraClient({ baseUrl: 'https://gw.example/proxy/v1/' }).baseUrl).toBe(
      'https://gw.example/proxy',
    );
  });

  test('OPENAI_API_KEY is never read; a missing key fails at the first call and says how to set it', async () => {
    vi.stubEnv('SORA_API_KEY', '');
    vi.stubEnv('OPENAI_API_KEY', KEY);
    const client = createSoraClient({ baseUrl: t.emu.url }); // creating it is fine
    t.emu.clearRequests();
    const error = await client.videos.retrieve('video_1').catch((e) => e);
    expect(SoraError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/SORA_API_KEY/);
    expect(error.message).toMatch(/apiKey/);
    expect(t.emu.requests()).toEqual([]);
  });

  test('apiKey: null sends no Authorization (for a proxy that adds it)', async () => {
    const client = createSoraClient({ apiKey: null, baseUrl: gw.url });
    await client.videos.create({ prompt: 'a' });
    expect(gw.requests[0]?.headers.authorization).toBeUndefined();
  });

  test('headers and the injected fetch are used for API requests', async () => {
    const seen: string[] = [];
    const client = createSoraClient({
      apiKey: 'k',
      baseUrl: gw.url,
      headers: { 'x-team': 'video' },
      fetch: (input, init) => {
        seen.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
    await client.videos.create({ prompt: 'a' }, { headers: { 'x-call': '1' } });
    expect(seen).toEqual([`${gw.url}/v1/videos`]);
    expect(gw.requests[0]?.headers['x-team']).toBe('video');
    expect(gw.requests[0]?.headers['x-call']).toBe('1');
    expect(gw.requests[0]?.headers.authorization).toBe('Bearer k');
  });

  test('a wrong key is an AuthenticationError from the server', async () => {
    const client = t.clientWith({ apiKey: 'sk-wrong-key-123456' });
    await expect(client.videos.retrieve('video_1')).rejects.toBeInstanceOf(AuthenticationError);
  });

  test('a key with a line break is refused before fetch could quote it in an error', async () => {
    const client = createSoraClient({ apiKey: `${KEY}\n`, baseUrl: gw.url });
    const error = await client.videos.retrieve('video_1').catch((e) => e);
    expect(error.message).not.toContain(KEY);
    expect(gw.requests).toHaveLength(0);
  });
});

describe('gateway status names', () => {
  test('names that are also Object.prototype keys are unknown, not a crash', async () => {
    const { normalizeStatus } = await import('./index.js');
    for (const raw of ['constructor', '__proto__', 'toString', 'hasOwnProperty', undefined, null, 42]) {
      expect(normalizeStatus(raw)).toBe('unknown');
    }
    expect(normalizeStatus('Not Start'.replace(' ', '_'))).toBe('queued');
    expect(normalizeStatus('IN-PROGRESS')).toBe('in_progress');
  });

  test('every gateway name the emulator sends (the spec lists them) maps to its state', async () => {
    const { normalizeStatus } = await import('./index.js');
    const { GATEWAY_STATUS_NAMES } = await import('@sora-kit/emulator');
    for (const [state, gatewayName] of Object.entries(GATEWAY_STATUS_NAMES)) {
      expect(normalizeStatus(gatewayName), gatewayName).toBe(state);
    }
    expect(normalizeStatus('expired')).toBe('expired');
  });
});
