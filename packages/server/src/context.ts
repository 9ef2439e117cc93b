import type { ContentOptions } from './content.js';
import type { HostCheck } from './hosts.js';
import type { SoraHandlerOptions } from './options.js';
import type { ResolvedPolicy } from './policy.js';
import type { RouteMatch } from './routes.js';
import type { StatusHub } from './status/hub.js';
import type { JobStore } from './store/job-store.js';
import type { Upstream } from './upstream.js';

/** What the handler resolved from its options once, shared by every request it serves. */
export interface HandlerContext {
  readonly options: SoraHandlerOptions;
  readonly basePath: string;
  readonly baseUrl: string;
  readonly logger: Pick<Console, 'warn' | 'error'>;
  readonly store: JobStore;
  readonly policy: ResolvedPolicy;
  readonly timeoutMs: number;
  /** Origins trusted for state-changing requests: `trustedOrigins` and `cors.origins`. */
  readonly trusted: readonly string[];
  readonly contentOptions: ContentOptions;
  /** How long an uncommitted reservation holds its slot, in ms (`reservationTtlMs`). */
  readonly reservationTtlMs: number;
  /** The shared read path of job statuses (`status` option). */
  readonly status: StatusHub;
  /** Open event streams of each user, in this process, and the most one user may have. */
  readonly streams: { open: Map<string, number>; maxPerUser: number; heartbeatMs: number };
  /** How long a JSON body may take to arrive, and an upload may stall, in ms. */
  readonly bodyTimeouts: { jsonMs: number; uploadIdleMs: number };
  /** Whether the request's `Host` (and `X-Forwarded-Host`) is one this handler serves. */
  readonly hostAllowed: HostCheck;
}

/** One admitted request: who asks, for which operation, and the upstream it may use until `time` runs out. */
export interface Scope {
  readonly ctx: HandlerContext;
  readonly request: Request;
  readonly url: URL;
  readonly match: RouteMatch;
  readonly userId: string;
  readonly upstream: Upstream;
  /** CORS headers every answer of this request carries. */
  readonly cors: Headers;
  readonly time: { signal: AbortSignal; done(): void };
}
