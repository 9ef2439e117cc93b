import { createPollSchedule, normalizeVideo, type SoraClient } from '@sora-kit/core';
import { isKeyless } from './keyless.js';
import { isTerminal, stateOf, type VideoState } from './video-state.js';

// Clients whose server answered an event stream with anything but one (a plain gateway, an old server):
// they poll from then on.
const noStreams = new WeakSet<SoraClient>();
// Open streams per client: over HTTP/1.1 a page has 6 connections per origin, and each stream holds one.
const open = new WeakMap<SoraClient, number>();
const MAX_STREAMS = 4;

/**
 * Follows job `id` through the server's event stream (`@sora-kit/server`'s `/v1/videos/{id}/events`) with
 * the browser's `EventSource`, publishing each state as it is pushed. Resolves when polling should take over:
 * at a terminal state (one read then gets it, from the server's store), when the server offers no stream,
 * when the stream ends otherwise, or when `signal` fires. Resolves at once where streaming cannot be used:
 * outside a browser, with a client that sends its own headers or fetch (`EventSource` could not), or past
 * {@link MAX_STREAMS} open streams of the client.
 */
export function followStream(
  client: SoraClient,
  id: string,
  signal: AbortSignal,
  publish: (state: VideoState) => void,
): Promise<boolean> {
  const count = open.get(client) ?? 0;
  if (
    typeof EventSource === 'undefined' ||
    noStreams.has(client) ||
    count >= MAX_STREAMS ||
    !isKeyless(client)
  ) {
    return Promise.resolve(false);
  }
  open.set(client, count + 1);
  return new Promise((resolve) => {
    const source = new EventSource(`${client.baseUrl}/v1/videos/${id}/events`);
    let eta: number | undefined;
    const schedule = createPollSchedule({ onEstimate: (ms) => (eta = ms) });
    let seen = false;
    let done = false;
    let finished: ReturnType<typeof setTimeout> | undefined;
    const end = () => {
      if (done) return;
      done = true;
      clearTimeout(finished);
      source.close();
      signal.removeEventListener('abort', end);
      open.set(client, (open.get(client) ?? 1) - 1);
      resolve(seen);
    };
    signal.addEventListener('abort', end);
    source.onmessage = (message) => {
      seen = true;
      // Read as core's poll reads an answer: gateway status names mapped, a progress sent as text (`"45%"`)
      // made a number.
      const video = normalizeVideo(JSON.parse(message.data));
      schedule({ at: performance.now(), progress: video.progress });
      const state = stateOf(video, eta);
      publish(state);
      // The server ends the stream after a terminal state: closing it first would show the request as
      // cancelled (net::ERR_ABORTED) in DevTools. Wait for that end (a second at most, for a server that
      // keeps it open).
      if (isTerminal(state.status)) finished ??= setTimeout(end, 1000);
    };
    // An `error` event from the server (the job is gone), or a stream that cannot go on (CLOSED; while
    // CONNECTING the browser reconnects by itself, resuming with Last-Event-ID).
    source.onerror = (event) => {
      if (finished) return end(); // the server's end after the terminal state: the whole answer came
      if (!('data' in event) && source.readyState !== EventSource.CLOSED) return;
      if (!seen) noStreams.add(client);
      end();
    };
  });
}
