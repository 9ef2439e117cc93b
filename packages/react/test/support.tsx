import { createSoraClient, type SoraClient, type SoraClientOptions } from '@sora-kit/core';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { render } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { afterAll, beforeAll } from 'vitest';
import { SoraProvider } from '../src/index.js';

/** The key tests use: unique enough that finding it anywhere means it leaked. */
export const KEY = 'sk-react-test-Jd83kQm2Lz';

export interface Fixture {
  emu: RunningEmulator;
  /** A new client of the emulator (a new page load has a new one). */
  client(options?: SoraClientOptions): SoraClient;
}

/** Starts an emulator (with `KEY` required) for the file's tests. */
export function emulatorForFile(options: EmulatorOptions = {}): Fixture {
  const fixture = {} as Fixture;
  beforeAll(async () => {
    fixture.emu = await startEmulator({ jobSeconds: 2, apiKey: KEY, quiet: true, ...options });
    fixture.client = (o) => createSoraClient({ apiKey: KEY, baseUrl: fixture.emu.url, maxRetries: 0, ...o });
  });
  afterAll(() => fixture.emu?.close());
  return fixture;
}

/** The emulator's log of requests matching `method` and `path`. */
export const requestsTo = (emu: RunningEmulator, method: string, path: string) =>
  emu.requests().filter((r) => r.method === method && r.path === path);

/** How many status requests (`GET /v1/videos/{id}`) the job got. */
export const statusRequests = (emu: RunningEmulator, id: string) =>
  requestsTo(emu, 'GET', `/v1/videos/${id}`).length;

/** Renders in StrictMode (as every render test does) under a provider of `client`. */
export function renderStrict(ui: ReactNode, client: SoraClient) {
  const wrap = (node: ReactNode) => (
    <StrictMode>
      <SoraProvider client={client}>{node}</SoraProvider>
    </StrictMode>
  );
  const result = render(wrap(ui));
  return { ...result, rerender: (next: ReactNode) => result.rerender(wrap(next)) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
