import type { Scope } from '../context.js';
import { errorResponse } from '../envelope.js';
import { relayAnswer } from '../scope-io.js';
import type { StatusRead } from './hub.js';
import { askFor, readStatus } from './serve.js';
import { sseComment, sseEvent } from './sse.js';

/**
 * `GET {basePath}/v1/videos/{id}/events`: the job as Server-Sent Events. The current state at once (unless
 * `Last-Event-ID` says the browser has it), then every new version of the shared entry, from whichever
 * instance polled it or received the webhook, and the stream ends after a terminal state. A comment line
 * every `heartbeatMs` keeps proxies from closing an idle stream. A reconnect after the end is a 204, which
 * tells `EventSource` to stop reconnecting. The caller checked ownership (404 otherwise, as for a read).
 */
export async function jobEvents(scope: Scope, id: string): Promise<Response> {
  const { open, maxPerUser, heartbeatMs } = scope.ctx.streams;
  if ((open.get(scope.userId) ?? 0) >= maxPerUser) {
    return errorResponse(
      429,
      {
        message: `Too many open event streams (at most ${maxPerUser} per user): poll instead.`,
        type: 'rate_limit_error',
        code: 'too_many_streams',
      },
      scope.cors,
    );
  }
  const first = await readStatus(scope, id);
  if (!first.entry) return relayAnswer(scope, first.answer);
  const lastEventId = scope.request.headers.get('last-event-id');
  const known = lastEventId !== null && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : 0;
  if (first.entry.final && known >= first.entry.version)
    return new Response(null, { status: 204, headers: scope.cors });

  open.set(scope.userId, (open.get(scope.userId) ?? 0) + 1);
  const encoder = new TextEncoder();
  let sent = known;
  let finish = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const onRead = (read: StatusRead) => {
        if (closed) return;
        if (!read.entry) {
          // The API no longer shows the job (404), or failed: say so, and end (the client falls back to polling).
          write(sseEvent({ event: 'error', data: JSON.stringify({ status: read.answer.status }) }));
          return finish();
        }
        if (read.entry.version > sent) {
          sent = read.entry.version;
          write(sseEvent({ id: String(sent), data: read.entry.body }));
        }
        if (read.entry.final) finish();
      };
      const stopWatch = { stop: () => {} };
      const heartbeat = setInterval(() => write(sseComment()), heartbeatMs);
      finish = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        stopWatch.stop();
        scope.request.signal.removeEventListener('abort', finish);
        const left = (open.get(scope.userId) ?? 1) - 1;
        if (left > 0) open.set(scope.userId, left);
        else open.delete(scope.userId);
        try {
          controller.close();
        } catch {
          // (already cancelled by the client)
        }
      };
      scope.request.signal.addEventListener('abort', finish, { once: true });
      // The browser's reconnection delay, then the state it lacks.
      write('retry: 1000\n\n');
      onRead(first);
      if (closed) return;
      stopWatch.stop = scope.ctx.status.watch(id, askFor(scope, id), onRead);
      // A version published between the first read and the watch: read the entry once more.
      void Promise.resolve(scope.ctx.status.store.get(id)).then(
        (entry) => entry && onRead({ entry }),
        () => {},
      );
    },
    cancel() {
      finish();
    },
  });
  const headers = new Headers(scope.cors);
  headers.set('content-type', 'text/event-stream; charset=utf-8');
  headers.set('cache-control', 'private, no-store, no-transform');
  // nginx and similar proxies would otherwise buffer the stream.
  headers.set('x-accel-buffering', 'no');
  return new Response(body, { status: 200, headers });
}
