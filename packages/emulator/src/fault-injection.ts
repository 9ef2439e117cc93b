/**
 * The middleware that applies faults to API and download requests (never to `/_emulator/*`). A fault
 * asked for by the request's `x-emulator-fault` header wins over the scheduled queue, and only one
 * fault applies per request; `faults.latencyMs` and `faults.gatewayStatusNames` apply to every one.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import { FaultSpecError, parseFaultString, type ScheduledFault } from './faults.js';
import type { AppEnv, EmulatorState } from './state.js';

/** The request header that asks for a fault on that one request. */
export const FAULT_HEADER = 'x-emulator-fault';

/**
 * Marks an answer to be cut after this many body bytes. The portable answer already carries a body
 * that fails after those bytes; the Node listener reads this header to cut the socket itself, which
 * guarantees the headers go out first and keeps the adapter from logging the failure as an error.
 */
export const CUT_MARKER_HEADER = 'x-emulator-cut-after-bytes';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const SERVER_ERRORS: Record<number, { message: string; code: string }> = {
  500: { message: 'The server had an error while processing your request.', code: 'internal_error' },
  502: { message: 'Bad gateway.', code: 'bad_gateway' },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    code: 'service_unavailable',
  },
  504: { message: 'Gateway timeout.', code: 'gateway_timeout' },
};

function shouldRetryHeader(fault: ScheduledFault): Record<string, string> {
  return fault.shouldRetry === undefined ? {} : { 'x-should-retry': String(fault.shouldRetry) };
}

function rateLimitError(fault: ScheduledFault): ApiError {
  const seconds = fault.retryAfterSeconds ?? 1;
  return new ApiError(429, `Rate limit reached for requests. Please retry after ${seconds} seconds.`, {
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    headers: {
      'retry-after': String(seconds),
      ...(fault.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(fault.retryAfterMs) }),
      ...shouldRetryHeader(fault),
    },
  });
}

function serverError(fault: ScheduledFault): ApiError {
  const status = fault.status ?? 500;
  const known = SERVER_ERRORS[status] ?? {
    message: `Emulated server error ${status}.`,
    code: 'server_error',
  };
  return new ApiError(status, known.message, {
    type: 'server_error',
    code: known.code,
    headers: shouldRetryHeader(fault),
  });
}

/**
 * The same answer, but its body stops after `afterBytes` bytes and then fails, which drops the
 * connection. `Content-Length` still announces the whole body, so the client sees a truncated answer.
 */
export function cutResponse(response: Response, afterBytes: number | undefined): Response {
  const length = Number(response.headers.get('content-length'));
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  const limit = afterBytes ?? (isJson || !Number.isFinite(length) ? 0 : Math.floor(length / 2));
  const reader = response.body?.getReader();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = sent < limit ? await reader?.read() : undefined;
      if (!chunk || chunk.done) {
        // Failing a moment later lets the headers (and the bytes before the cut) leave first.
        await sleep(20);
        await reader?.cancel().catch(() => {});
        controller.error(new Error('connection cut by an emulated fault'));
        return;
      }
      const part = chunk.value.subarray(0, limit - sent);
      sent += part.length;
      controller.enqueue(part);
    },
  });
  const headers = new Headers(response.headers);
  headers.set(CUT_MARKER_HEADER, String(limit));
  return new Response(body, { status: response.status, headers });
}

/** The fault middleware of one emulator. */
export function faultInjection(state: EmulatorState): MiddlewareHandler<AppEnv> {
  const always = state.options.faults;
  return async (c, next) => {
    let fault: ScheduledFault | undefined;
    const asked = c.req.header(FAULT_HEADER);
    if (asked) {
      try {
        fault = parseFaultString(asked);
      } catch (error) {
        if (!(error instanceof FaultSpecError)) throw error;
        throw new ApiError(400, `Invalid ${FAULT_HEADER} header: ${error.message}.`, {
          param: FAULT_HEADER,
          code: 'invalid_value',
        });
      }
    } else {
      fault = state.faults.take(c.req.method, c.req.path);
    }
    c.set('fault', fault);
    c.set(
      'statusStyle',
      always.gatewayStatusNames || fault?.kind === 'gateway-status' ? 'gateway' : 'openai',
    );

    const delay = always.latencyMs + (fault?.kind === 'latency' ? (fault.latencyMs ?? 1000) : 0);
    if (delay > 0) await sleep(delay);
    if (fault?.kind === 'rate-limit') throw rateLimitError(fault);
    if (fault?.kind === 'server-error') throw serverError(fault);
    await next();
    if (fault?.kind === 'cut') c.res = cutResponse(c.res, fault.afterBytes);
  };
}
