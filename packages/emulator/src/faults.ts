/**
 * Fault injection: what can go wrong, how a fault is described, and the queue of scheduled faults.
 * A fault is scheduled (`faults.add`, `POST /_emulator/faults`, CLI flags) for the next `times`
 * matching requests, or asked for by one request itself with the header
 * `x-emulator-fault: <kind>[;key=value...]` (e.g. `rate-limit;retry-after=1`, `latency;ms=200`).
 */

/** The kinds of fault. */
export const FAULT_KINDS = ['rate-limit', 'server-error', 'latency', 'cut', 'gateway-status'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault and the requests it applies to. */
export interface FaultSpec {
  /**
   * `rate-limit`: 429 with `Retry-After` and a `rate_limit_error` envelope. `server-error`: a 5xx
   * envelope. `latency`: wait, then answer normally. `cut`: send the headers and part of the body,
   * then drop the connection. `gateway-status`: status names the way gateways spell them
   * (`NOT_START`, `processing`, `COMPLETED`, `FAILED`).
   */
  kind: FaultKind;
  /** How many matching requests it applies to before it is used up. Default `1`. */
  times?: number;
  /** Only requests with this method (`GET`, `POST`, …). Default: any method. */
  method?: string;
  /** Only requests to this path; `*` stands for one path segment (`/v1/videos/*`). Default: any path. */
  path?: string;
  /** `rate-limit`: the `Retry-After` value in seconds. Default `1`. */
  retryAfterSeconds?: number;
  /** `rate-limit`: also send `retry-after-ms` with this value. Default: not sent. */
  retryAfterMs?: number;
  /** `server-error`: the status, 500-599. Default `500`. */
  status?: number;
  /** `rate-limit`, `server-error`: send `x-should-retry: true|false`. Default: not sent. */
  shouldRetry?: boolean;
  /** `latency`: the delay in ms. Default `1000`. */
  latencyMs?: number;
  /** `cut`: body bytes sent before the cut. Default: half of a media body, none of a JSON answer. */
  afterBytes?: number;
}

/** A scheduled fault with its remaining uses. */
export interface ScheduledFault extends FaultSpec {
  times: number;
}

/** Thrown for a fault description that makes no sense; the HTTP layer turns it into a 400. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const NUMBER_FIELDS = [
  'times',
  'retryAfterSeconds',
  'retryAfterMs',
  'status',
  'latencyMs',
  'afterBytes',
] as const;
const FIELDS = new Set<string>(['kind', 'method', 'path', 'shouldRetry', ...NUMBER_FIELDS]);

/** Checks a fault description (from code, JSON or a header) and fills in `times`. */
export function normalizeFault(input: unknown): ScheduledFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultSpecError('a fault must be an object with a "kind"');
  }
  const spec = input as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!FIELDS.has(key)) throw new FaultSpecError(`unknown fault field "${key}"`);
  }
  if (!FAULT_KINDS.includes(spec.kind as FaultKind)) {
    throw new FaultSpecError(
      `fault kind must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(spec.kind)}`,
    );
  }
  for (const field of NUMBER_FIELDS) {
    const value = spec[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      throw new FaultSpecError(`fault field "${field}" must be an integer >= 0`);
    }
  }
  if (spec.times === 0) throw new FaultSpecError('fault field "times" must be at least 1');
  if (spec.status !== undefined && ((spec.status as number) < 500 || (spec.status as number) > 599)) {
    throw new FaultSpecError('fault field "status" must be a 5xx status');
  }
  for (const field of ['method', 'path'] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== 'string') {
      throw new FaultSpecError(`fault field "${field}" must be a string`);
    }
  }
  if (spec.shouldRetry !== undefined && typeof spec.shouldRetry !== 'boolean') {
    throw new FaultSpecError('fault field "shouldRetry" must be a boolean');
  }
  const fault = { ...(spec as unknown as FaultSpec), times: (spec.times as number | undefined) ?? 1 };
  if (fault.method) fault.method = fault.method.toUpperCase();
  return fault;
}

/** Header/flag keys (kebab-case) and the fields they set; the short forms read well in a header. */
const KEY_ALIASES: Record<string, string> = {
  'retry-after': 'retryAfterSeconds',
  'retry-after-ms': 'retryAfterMs',
  ms: 'latencyMs',
  'after-bytes': 'afterBytes',
  'should-retry': 'shouldRetry',
};

/**
 * Parses the compact form `kind;key=value;...` used by the `x-emulator-fault` header and the
 * `--fault` flag, e.g. `server-error;status=503;should-retry=false` or `rate-limit;times=3;path=/v1/videos`.
 */
export function parseFaultString(text: string): ScheduledFault {
  const [kind, ...pairs] = text.split(';').map((part) => part.trim());
  const spec: Record<string, unknown> = { kind };
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 1) throw new FaultSpecError(`expected key=value in fault "${text}", got "${pair}"`);
    const key = pair.slice(0, eq).trim().toLowerCase();
    const raw = pair.slice(eq + 1).trim();
    const field = KEY_ALIASES[key] ?? key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    spec[field] =
      field === 'method' || field === 'path'
        ? raw
        : field === 'shouldRetry'
          ? raw === 'true'
            ? true
            : raw === 'false'
              ? false
              : raw
          : /^\d+$/.test(raw)
            ? Number(raw)
            : raw;
  }
  return normalizeFault(spec);
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  if (!pattern.includes('*')) return pattern === path;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`).test(path);
}

/** How many faults may wait in the queue: enough for any test, and a bound on its memory. */
export const MAX_SCHEDULED_FAULTS = 10_000;

/** The scheduled faults, in the order they were added; the first that matches a request applies. */
export class FaultQueue {
  #faults: ScheduledFault[] = [];

  /** Schedules faults; answers them as scheduled (with `times` filled in). */
  add(...specs: FaultSpec[]): ScheduledFault[] {
    return this.addAll(specs);
  }

  /**
   * `add` for a list of any length (spreading tens of thousands of arguments would overflow the
   * stack). Refuses the whole list if the queue would hold more than `MAX_SCHEDULED_FAULTS`.
   */
  addAll(specs: readonly FaultSpec[]): ScheduledFault[] {
    if (this.#faults.length + specs.length > MAX_SCHEDULED_FAULTS) {
      throw new FaultSpecError(`at most ${MAX_SCHEDULED_FAULTS} faults can be scheduled at once`);
    }
    const added = specs.map(normalizeFault);
    for (const fault of added) this.#faults.push(fault);
    return added;
  }

  /** The faults still pending, with their remaining `times`. */
  list(): ScheduledFault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  /** Removes every scheduled fault. */
  clear(): void {
    this.#faults = [];
  }

  /** Uses up one application of the first fault matching the request, and answers it. */
  take(method: string, path: string): ScheduledFault | undefined {
    const index = this.#faults.findIndex(
      (fault) => (fault.method === undefined || fault.method === method) && pathMatches(fault.path, path),
    );
    const fault = this.#faults[index];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    return { ...fault };
  }
}
