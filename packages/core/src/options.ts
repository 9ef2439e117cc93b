import { SoraError } from './errors.js';
import type { PrivateLinkPolicy } from './link-safety.js';
import { createRedactor, type Redactor } from './redact.js';

/** Options of {@link createSoraClient}. */
export interface SoraClientOptions {
  /**
   * The API key, sent as `Authorization: Bearer <key>` to `baseUrl` and nowhere else (never to download
   * links). Default: the `SORA_API_KEY` environment variable where the runtime has an environment (Node,
   * Bun, Deno); `OPENAI_API_KEY` is never read. `null` sends no key at all: use it in browsers, behind a
   * server proxy that adds the key. A missing key is an error at the first request, not here.
   */
  apiKey?: string | null | undefined;
  /**
   * The server's origin (a trailing `/v1` is accepted and dropped). Default: the `SORA_BASE_URL`
   * environment variable, else `https://api.gpt.ge`.
   */
  baseUrl?: string | undefined;
  /** The `fetch` to use (a proxy agent, a test server, a runtime's own). Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * Milliseconds each attempt may take to get its answer (headers, and the body for JSON answers). For a
   * streamed download it covers the headers, then is the idle timeout of the body: no byte for that long
   * fails the read with `APIConnectionTimeoutError` (however long the whole transfer takes). Default: 60 000.
   */
  timeout?: number | undefined;
  /**
   * The largest JSON answer (or error answer) read, in bytes. A larger one is an `APIError` at once, is not
   * retried, and is not read past the limit. Media bodies are streamed and not limited. Default: 16 MiB.
   */
  maxResponseBytes?: number | undefined;
  /** Retries after a 408, 409, 429, 5xx or broken connection, with backoff. Default: 2. */
  maxRetries?: number | undefined;
  /**
   * Which download links on loopback, private or link-local addresses (`127.0.0.1`, `10.x`, `169.254.x`,
   * `::1`, …) may be followed while the API itself is on a public host: `true` for all, or a function
   * deciding per URL. A gateway's JSON link to such an address is otherwise refused with
   * `UnsafeLinkError` before any request, so a hostile or compromised server cannot point the client at
   * your internal network or a cloud metadata service. When `baseUrl` is itself on such an address (the
   * emulator, a gateway in your network) its links are followed. Default: false.
   */
  allowPrivateLinks?: PrivateLinkPolicy | undefined;
  /**
   * Headers added to every API request; not sent to a gateway's download link. (A redirect is followed by
   * `fetch` itself, which drops only `Authorization` across origins.)
   */
  headers?: Record<string, string> | undefined;
}

/** Options every method takes as its last argument; each overrides the client's default for one call. */
export interface RequestOptions {
  /** Cancels the call (and its retries): it rejects with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout in milliseconds. Default: the client's `timeout` (60 000). */
  timeout?: number | undefined;
  /** Retries for this call. Default: the client's `maxRetries` (2). */
  maxRetries?: number | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** The `fetch` for this call. Default: the client's. */
  fetch?: typeof fetch | undefined;
}

/** Options of the calls that start a paid job (`create`, `remix`, `edit`, `extend`, `createCharacter`). */
export interface CreateOptions extends RequestOptions {
  /**
   * Sent as `Idempotency-Key`, the same on every retry, so that a retried request never starts a second
   * job. Default: `sora-kit-<random UUID>`, new for each call. Pass your own to make a create safe to
   * repeat across restarts of your process.
   */
  idempotencyKey?: string | undefined;
}

/** What the client's parts share (internal). */
export interface Context {
  readonly baseUrl: string;
  /** The `fetch` the client was given, if any (else the runtime's, looked up at each call). */
  readonly fetch: typeof fetch | undefined;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxResponseBytes: number;
  readonly allowPrivateLinks: PrivateLinkPolicy | undefined;
  /** The client's headers and the `Authorization`, built at the first call (which throws for a missing key). */
  readonly authHeaders: () => Record<string, string>;
  /** Removes the key from anything, errors first: every error of the public methods passes through it. */
  readonly redact: Redactor;
}

/**
 * Reads an environment variable where the runtime has an environment (Node's and Bun's, else
 * Deno's `Deno.env`), trimmed. Undefined when it is unset or blank, and where there is no environment to
 * read (a browser, an edge worker, Deno without `--allow-env`). How the client finds `SORA_API_KEY` and
 * `SORA_BASE_URL`; for packages built on it that read their own settings the same way.
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    return (g.process?.env?.[name] ?? g.Deno?.env?.get(name))?.trim() || undefined;
  } catch {
    return undefined; // Deno without --allow-env
  }
}

/**
 * The runtime's own `fetch` (the default), looked up at call time and called without a receiver:
 * `window.fetch` called as a method of another object throws "Illegal invocation" in browsers.
 */
export const runtimeFetch: typeof fetch = (input, init) => fetch(input, init);

/** Resolves the options and their defaults into the shared context. */
export function createContext(options: SoraClientOptions): Context {
  // A default applies to `undefined` only: `null` stays (no key at all).
  const { apiKey = readEnv('SORA_API_KEY'), headers = {} } = options;
  let auth: Record<string, string> | undefined; // kept in this closure, never on an object
  return {
    baseUrl: (options.baseUrl ?? readEnv('SORA_BASE_URL') ?? 'https://api.gpt.ge').replace(
      /\/+(v1\/*)?$/,
      '',
    ),
    fetch: options.fetch,
    timeout: options.timeout ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
    // 16 MiB: far above any real answer (a page of 100 jobs is ~50 KB).
    maxResponseBytes: options.maxResponseBytes ?? 2 ** 24,
    allowPrivateLinks: options.allowPrivateLinks, // (undefined: none, as false)
    authHeaders() {
      if (!auth) {
        if (apiKey !== null && !apiKey) {
          throw new SoraError(
            'Missing API key: pass `apiKey` to createSoraClient() or set the SORA_API_KEY environment variable ' +
              '(use `apiKey: null` to send none, e.g. behind a proxy that adds it).',
          );
        }
        // A key with a line break or a control character would make fetch throw an error quoting it. (Only
        // ` ` to `~`, printable ASCII, is allowed.)
        if (apiKey && /[^ -~]/.test(apiKey)) {
          throw new SoraError('The API key contains characters not allowed in a header.');
        }
        auth = apiKey ? { ...headers, Authorization: `Bearer ${apiKey}` } : headers;
      }
      return auth;
    },
    redact: createRedactor(apiKey),
  };
}
