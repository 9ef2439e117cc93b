/**
 * What a command talks to: a `@sora-kit/core` client, configured from the environment and the flags.
 * With `--emulator` it is the running `sora-kit emulator` (found through its state file, see
 * `emulator-state.ts`); when there is none, `generate` and `batch` start `@sora-kit/emulator` in this
 * process, and the other commands refuse (the job they ask about could not exist). Both packages are
 * imported here, lazily, so that only commands that make requests load them.
 */
import { randomUUID } from 'node:crypto';
import type { SoraClient } from '@sora-kit/core';
import { UsageError } from './cli-error.js';
import { findRunningEmulator } from './emulator-state.js';
import type { Output } from './output.js';
import { shellQuote } from './shell-quote.js';
import { LINE_BREAK } from './terminal-text.js';

/** The options of `withApiOptions` in `program.ts`. */
export interface ApiOptions {
  baseUrl?: string;
  emulator?: boolean;
  /** Only on the commands that may start an embedded emulator (`generate`, `batch`). */
  jobSeconds?: number;
}

/** The render time of a job on the embedded emulator when `--job-seconds` is not given. */
export const DEFAULT_JOB_SECONDS = 3;

/** Options that only make sense together, checked before a command does anything. */
export function checkApiOptions(options: ApiOptions): void {
  if (options.jobSeconds !== undefined && !options.emulator) {
    throw new UsageError(
      '--job-seconds sets how long a job takes on the emulator that --emulator starts; without --emulator it would do nothing (a real API takes the time it takes).',
      'Add --emulator, or leave --job-seconds out.',
    );
  }
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
  /**
   * The options another command needs to reach the same server (` --emulator`, ` --base-url …`, or
   * nothing when it comes from the environment), for the commands the CLI tells the user to run.
   */
  reachArgs: string;
  /** Stops the embedded emulator, if any. */
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Wraps `fetch` (the batch's rate gate); the `--verbose` log goes around it. */
  wrapFetch?: (fetchImpl: typeof fetch) => typeof fetch;
  /**
   * With `--emulator` and no running `sora-kit emulator`, start one inside this process (`generate`,
   * `batch`: a whole job's life fits in one command). Other commands refuse: their job would not exist.
   */
  embeddedEmulator?: boolean;
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
  let embedded = false;
  let reachArgs = '';
  if (options.emulator) {
    if (options.baseUrl)
      out.info(out.style.yellow(`--base-url ${options.baseUrl} is ignored: --emulator uses the emulator.`));
    const running = await findRunningEmulator();
    if (running) {
      // Started without --api-key it accepts any key; the placeholder only fills the header.
      apiKey = running.apiKey ?? 'sk-sora-kit-emulator';
      baseUrl = running.url;
      reachArgs = ' --emulator';
      if (options.jobSeconds !== undefined)
        out.info(
          out.style.yellow(
            `--job-seconds is ignored: the running emulator sets its own (sora-kit emulator --job-seconds ${options.jobSeconds}).`,
          ),
        );
      out.info(out.style.dim(`Using the running sora-kit emulator at ${baseUrl} (pid ${running.pid}).`));
    } else if (extra.embeddedEmulator) {
      const jobSeconds = options.jobSeconds ?? DEFAULT_JOB_SECONDS;
      const { startEmulator } = await import('@sora-kit/emulator');
      // A fresh random key: the embedded emulator accepts only it, and nothing else can talk to it by accident.
      apiKey = `sk-embedded-${randomUUID()}`;
      const emulator = await startEmulator({ port: 0, host: '127.0.0.1', jobSeconds, apiKey, quiet: true });
      baseUrl = emulator.url;
      close = () => emulator.close();
      embedded = true;
      out.info(
        out.style.dim(
          `Using the embedded emulator at ${baseUrl} (jobs take ${jobSeconds} s; it stops with this command). To keep jobs for status, list and wait, run \`sora-kit emulator\` in another terminal.`,
        ),
      );
    } else {
      throw new UsageError(
        '--emulator: no running `sora-kit emulator` was found, and this command needs one (a job made by an earlier command lives there).',
        ['Start one in another terminal, then run this again:', '  sora-kit emulator'].join(LINE_BREAK),
        'no_emulator',
      );
    }
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
    if (options.baseUrl) reachArgs = ` --base-url ${shellQuote(options.baseUrl)}`;
    baseUrl = checkBaseUrl(
      options.baseUrl ?? (env.SORA_BASE_URL?.trim() || DEFAULT_BASE_URL),
      options.baseUrl ? '--base-url' : 'SORA_BASE_URL',
    );
  }
  out.addSecret(apiKey);
  out.debug(
    `API ${baseUrl}${options.emulator ? ' (emulator)' : ''}; key from ${options.emulator ? 'the emulator' : 'SORA_API_KEY'} (${apiKey.length} characters, never printed)`,
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
  return { client, downloadFetch, baseUrl: client.baseUrl, embedded, reachArgs, close };
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
