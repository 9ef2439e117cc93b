import { act, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { describe, expect, test, vi } from 'vitest';
import { SoraProvider } from '../src/index.js';
import { EveryHook } from './page.js';
import { emulatorForFile, requestsTo, statusRequests } from './support.js';

const f = emulatorForFile({ jobSeconds: 0.5 });

describe('hydration', () => {
  test("the first client render matches the server's, then the page catches up (a saved job included)", async () => {
    const job = await f.client().videos.create({ prompt: 'on the page' });
    const saved = await f.client().videos.create({ prompt: 'saved before the reload' });
    const page = (client: ReturnType<typeof f.client>) => (
      <StrictMode>
        <SoraProvider client={client}>
          <EveryHook id={job.id} />
        </SoraProvider>
      </StrictMode>
    );
    // The server's HTML, from a client of its own (the server's store is not the browser's).
    const html = renderToString(page(f.client()));
    // The browser's session storage (which the server never sees) has the job a reload must resume.
    sessionStorage.setItem('sora-kit:video', saved.id);
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);

    const recoverable = vi.fn();
    const consoleError = vi.spyOn(console, 'error');
    f.emu.clearRequests();
    const root = await act(async () =>
      hydrateRoot(container, page(f.client()), { onRecoverableError: recoverable }),
    );
    expect(recoverable).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByText(/^created: completed/)).toBeTruthy(), { timeout: 10_000 });
    await waitFor(() => expect(container.querySelector('video')).not.toBeNull(), { timeout: 10_000 });
    expect(screen.getByText(/^watched: completed 100%/)).toBeTruthy();
    expect(statusRequests(f.emu, saved.id)).toBeGreaterThan(0); // resumed from the session storage
    expect(requestsTo(f.emu, 'POST', '/v1/videos')).toHaveLength(0);
    expect(recoverable).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
    act(() => root.unmount());
    container.remove();
  });
});
