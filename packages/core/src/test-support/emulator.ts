/// <reference types="node" />
import { type EmulatorOptions, startEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll } from 'vitest';
import { createSoraClient, type SoraClient, type SoraClientOptions } from '../index.js';

/** The key tests use: unique enough that finding it anywhere means it leaked. */
export const KEY = 'sk-test-Zq8vN3kLp0Wx7Rt2';

export interface EmulatorFixture {
  emu: Awaited<ReturnType<typeof startEmulator>>;
  client: SoraClient;
  /** Another client on the same emulator. */
  clientWith(options: SoraClientOptions): SoraClient;
}

/** Starts an emulator (with `KEY` required) for the file's tests, and a client of it. */
export function useEmulator(options: EmulatorOptions = {}): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.emu = await startEmulator({ jobSeconds: 0.3, apiKey: KEY, quiet: true, ...options });
    fixture.clientWith = (o) => createSoraClient({ apiKey: KEY, baseUrl: fixture.emu.url, ...o });
    fixture.client = fixture.clientWith({});
  });
  afterAll(() => fixture.emu?.close());
  return fixture;
}
