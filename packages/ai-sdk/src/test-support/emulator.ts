/// <reference types="node" />
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll } from 'vitest';
import { createSora, type SoraProvider, type SoraProviderSettings } from '../index.js';

// The AI SDK prints every warning to the console; the tests read them from the results instead.
globalThis.AI_SDK_LOG_WARNINGS = false;

/** The key tests use: unique enough that finding it anywhere means it leaked. */
export const KEY = 'sk-test-aisdk-Hq7Lm2Vx9Pw4';

export interface EmulatorFixture {
  emu: RunningEmulator;
  /** A provider on the emulator. */
  sora: SoraProvider;
  /** Another provider on the same emulator. */
  soraWith(settings: SoraProviderSettings): SoraProvider;
  /** The emulator's log of creates (`POST /v1/videos`), for counting paid requests. */
  creates(): ReturnType<RunningEmulator['requests']>;
}

/** Starts an emulator (with `KEY` required) for the file's tests, and a provider of it. */
export function useEmulator(options: EmulatorOptions = {}): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.emu = await startEmulator({ jobSeconds: 0.4, apiKey: KEY, quiet: true, ...options });
    fixture.soraWith = (settings) => createSora({ apiKey: KEY, baseURL: fixture.emu.url, ...settings });
    fixture.sora = fixture.soraWith({});
    fixture.creates = () =>
      fixture.emu.requests().filter((r) => r.method === 'POST' && r.path === '/v1/videos');
  });
  afterAll(() => fixture.emu?.close());
  return fixture;
}
