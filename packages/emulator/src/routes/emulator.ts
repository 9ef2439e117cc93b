/**
 * The emulator's own endpoints under `/_emulator/*`, for tests and benchmarks. They need no API key,
 * are never faulted, and are not in the request log.
 *
 * - `GET /_emulator/health`: `{status: "ok"}`.
 * - `GET /_emulator/requests`, `DELETE /_emulator/requests`: the request log, and clearing it.
 * - `GET|POST|DELETE /_emulator/faults`: the scheduled faults; POST takes one fault or an array.
 * - `GET /_emulator/webhooks`: every webhook event and how its delivery went.
 * - `GET /_emulator/stats`: what the emulator holds (jobs, characters, bytes of cached media), to watch
 *   its memory stay bounded.
 */
import { Hono } from 'hono';
import { ApiError } from '../errors.js';
import { type FaultSpec, FaultSpecError } from '../faults.js';
import type { AppEnv, EmulatorState } from '../state.js';

export function emulatorRoutes(state: EmulatorState): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/health', (c) => c.json({ status: 'ok' }));
  routes.get('/requests', (c) => c.json({ object: 'list', data: state.requestLog.list() }));
  routes.delete('/requests', (c) => {
    state.requestLog.clear();
    return c.json({ cleared: true });
  });
  routes.get('/faults', (c) => c.json({ object: 'list', data: state.faults.list() }));
  routes.post('/faults', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, 'Expected a JSON fault, or an array of faults.', { code: 'invalid_json' });
    }
    try {
      const added = state.faults.addAll((Array.isArray(body) ? body : [body]) as FaultSpec[]);
      return c.json({ object: 'list', data: added });
    } catch (error) {
      if (error instanceof FaultSpecError) throw new ApiError(400, `Invalid fault: ${error.message}.`);
      throw error;
    }
  });
  routes.delete('/faults', (c) => {
    state.faults.clear();
    return c.json({ cleared: true });
  });
  routes.get('/stats', (c) =>
    c.json({
      jobs: state.jobs.size,
      characters: state.characters.size,
      cachedMediaBytes: state.media.cachedBytes,
      requestLogEntries: state.requestLog.size,
      scheduledFaults: state.faults.list().length,
    }),
  );
  routes.get('/webhooks', (c) => c.json({ object: 'list', data: state.webhooks?.deliveries() ?? [] }));
  return routes;
}
