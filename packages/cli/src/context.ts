/**
 * What a command talks to: a `@sora-kit/core` client, configured from the environment and the flags,
 * and, with `--emulator`, the `@sora-kit/emulator` it started in this process. Both packages are
 * imported here, lazily, so that only commands that make requests load them.
 */
import { randomUUID } from 'node:crypto';
import type { SoraClient } from '@sora-kit/core';
import { UsageError } from './cli-error.js';
import type { Output } from './output.js';
import { LINE_BREAK } from './terminal-text.js';

/** The options of `withApiOptions` in `program.ts`. */
export interface ApiOptions {
  baseUrl?: string;
  emulator?: boolean;
  jobSeconds?: number;
}

export interface Context {
  /** For the API's calls (create, poll, list, …): behind the `--verbose` log and the batch's gate. */
  client: SoraClient;
  /**
   * The `fetch` of `downloadToFile`: core's `nodeFetch` (Node's own http client, about twice as fast as the
   * global `fetch` for big bodies), behind the batch's gate when there is one. Never behind the `--verbose`
   * log, which would print a gateway's signed download link; `downloadFile` logs downloads by API path.
   */
  downloadFetch: typeof fetch;
  /** The origin requests go to. */
  baseUrl: string;
  /** Whether it is the emulator this process started (`--emulator`): its jobs end with the process. */
  embedded: boolean;
  /** Stops the embedded emulator, if any. */
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Wraps `fetch` (the batch's rate gate); the `--verbose` log goes around it. */
  wrapFetch?: (fetchImpl: typeof fetch) => typeof fetch;
}

const DEFAULT_BASE_URL = 'https://api.gpt.ge';

/**
 * Checks the configuration (before any request) and builds the client. Without `--emulator` the key
 * must be in `SORA_API_KEY`: there is deliberately no flag for it, which would put it in shell history.
 */
export async function openContext(
  options: ApiOptions,
  out: Output,
  extra: ContextOptions = {},
): Promise<Context> {
  const env = process.env;
  let baseUrl: string;
  let apiKey: string;
  let close = async () => {};
  if (options.emulator) {
    const { startEmulator } = await import('@sora-kit/emulator');
    // A fresh random key: the embedded emulator accepts only it, and nothing else can talk to it by accident.
    apiKey = `sk-embedded-${randomUUID()}`;
    const emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      jobSeconds: options.jobSeconds ?? 3,
      apiKey,
      quiet: true,
    });
    baseUrl = emulator.url;
    close = () => emulator.close();
    if (options.baseUrl)
      out.info(out.style.yellow(`--base-url ${options.baseUrl} is ignored: --emulator runs its own server.`));
    out.info(
      out.style.dim(
        `Using the embedded emulator at ${baseUrl} (jobs take ${options.jobSeconds ?? 3} s; it stops with this command).`,
      ),
    );
  } else {
    const key = env.SORA_API_KEY?.trim();
    if (!key) {
      throw new UsageError(
        'No API key: set the SORA_API_KEY environment variable (there is no flag for it, so that it stays out of your shell history).',
        [
          '  export SORA_API_KEY=sk-...          # bash, zsh',
          '  $env:SORA_API_KEY = "sk-..."        # PowerShell',
          'Or try it offline, on the embedded emulator:',
          '  sora-kit generate --emulator "a tiger in a farmyard"',
        ].join(LINE_BREAK),
        'missing_api_key',
      );
    }
    // A key pasted with a line break (or any character a header cannot carry) is refused here, not by fetch.
    if (/[^\x20-\x7e]/.test(key)) {
      throw new UsageError(
        'SORA_API_KEY contains a line break or another character that cannot be sent in a header; set it again without it.',
        undefined,
        'invalid_api_key_format',
      );
    }
    apiKey = key;
    baseUrl = checkBaseUrl(
      options.baseUrl ?? (env.SORA_BASE_URL?.trim() || DEFAULT_BASE_URL),
      options.baseUrl ? '--base-url' : 'SORA_BASE_URL',
    );
  }
  out.addSecret(apiKey);
  out.debug(
    `API ${baseUrl}${options.emulator ? ' (embedded emulator)' : ''}; key from ${options.emulator ? 'the embedded emulator' : 'SORA_API_KEY'} (${apiKey.length} characters, never printed)`,
  );

  const { createSoraClient } = await import('@sora-kit/core');
  let custom: typeof fetch | undefined;
  if (out.verbose || extra.wrapFetch) {
    const base = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
    const gated = extra.wrapFetch ? extra.wrapFetch(base) : base;
    custom = out.verbose ? logRequests(gated, out, baseUrl) : gated;
  }
  const client = createSoraClient({ apiKey, baseUrl, ...(custom && { fetch: custom }) });
  const { nodeFetch } = await import('@sora-kit/core/node');
  const downloadFetch = extra.wrapFetch ? extra.wrapFetch(nodeFetch) : nodeFetch;
  return { client, downloadFetch, baseUrl: client.baseUrl, embedded: options.emulator === true, close };
}

function checkBaseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `Invalid value for '${source}': '${value}'. Allowed: an http(s) URL, e.g. https://api.gpt.ge.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `Invalid value for '${source}': '${value}'. Allowed: an http(s) URL, e.g. https://api.gpt.ge.`,
    );
  }
  if (url.username || url.password) {
    throw new UsageError(
      `Invalid value for '${source}': credentials in the URL are not allowed; put the key in SORA_API_KEY.`,
    );
  }
  return value;
}

/**
 * `--verbose`: one line per request, with method, path, status and time. Headers are never shown (they
 * carry the key); for hosts other than the API (signed download links) the query, which carries the
 * link's signature, is left out too.
 */
function logRequests(fetchImpl: typeof fetch, out: Output, baseUrl: string): typeof fetch {
  const apiOrigin = new URL(baseUrl).origin;
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = init?.method ?? request?.method ?? 'GET';
    const shown = url.origin === apiOrigin ? `${url.pathname}${url.search}` : `${url.origin}${url.pathname}`;
    const range = new Headers(init?.headers ?? request?.headers).get('range');
    const started = performance.now();
    try {
      const response = await fetchImpl(input, init);
      const ms = Math.round(performance.now() - started);
      const retry = response.headers.get('retry-after');
      out.debug(
        `${method} ${shown}${range ? ` (${range})` : ''} → ${response.status} in ${ms} ms${retry ? ` (retry-after ${retry})` : ''}`,
      );
      return response;
    } catch (error) {
      out.debug(`${method} ${shown} → ${(error as Error).name}: ${(error as Error).message}`);
      throw error;
    }
  };
}
