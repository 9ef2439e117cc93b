/**
 * The `sora-emulator` command line: flags (parsed with `node:util` parseArgs, no dependency), their
 * help text, and their translation into `startEmulator` options.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultSpec, parseFaultString } from './faults.js';
import type { ContentMode, EmulatorOptions } from './options.js';

/** The help text; it documents every flag (the README repeats it). */
export const HELP = `Usage: sora-emulator [options]

A local server of the OpenAI-compatible /v1/videos (Sora 2) API, for offline development and tests.
The first line printed is "sora-emulator listening on http://HOST:PORT". Ctrl-C stops it.

Server
  --port, -p N               API port; 0 picks a free one (default 4010)
  --host HOST                interface to listen on (default 127.0.0.1)
  --job-seconds S            time from create to completed, fractions allowed (default 3)
  --api-key KEY              accept only this bearer key (default: any bearer key)
  --content-mode MODE        bytes: /content answers the media (OpenAI, default)
                             url: /content answers JSON {id, url, expires_at, status} with a signed link
                             to a second origin that needs no key (gpt.ge)
  --files-port N             port of that second origin in url mode; 0 picks one (default 0)
  --link-ttl-seconds S       lifetime of a signed link (default 3600)
  --content-ttl-seconds S    seconds from completion to expires_at (default 3600)
  --poll-after-ms N|off      openai-poll-after-ms header while a job runs
                             (default: a tenth of the job time, 10-1000 ms)

Limits (bounded memory; past them a request is a 413, the oldest job is dropped)
  --max-jobs N               jobs kept, oldest dropped first (default 10000)
  --max-body-bytes N         largest JSON body, and text of a form (default 1048576)
  --max-upload-bytes N       largest uploaded file (default 52428800)

Webhooks (Standard Webhooks signatures)
  --webhook-url URL          POST video.completed / video.failed events here
  --webhook-secret SECRET    signing secret, whsec_<base64> (required with --webhook-url)
  --webhook-max-attempts N   attempts per event, retried with backoff on failure (default 5)
  --webhook-retry-delay-ms N first retry delay, doubled each time (default 500)

Faults (also per request: header "x-emulator-fault: KIND[;key=value...]", and POST /_emulator/faults)
  --fault SPEC               schedule a fault, repeatable; SPEC is KIND[;key=value...] with KIND one of
                             ${FAULT_KINDS.join(', ')} and keys times, method, path,
                             retry-after, retry-after-ms, status, should-retry, ms, after-bytes
                             e.g. --fault "server-error;status=503;times=2;path=/v1/videos/*"
  --fault-rate-limit N       answer the first N creates with 429 + Retry-After
  --retry-after S            Retry-After of --fault-rate-limit, in seconds (default 1)
  --fault-server-error N     answer the first N creates with a 5xx
  --server-error-status N    status of --fault-server-error (default 500)
  --fault-cut-downloads N    cut the connection mid-body on the first N content downloads
  --cut-after-bytes N        bytes sent before those cuts (default: half the file)
  --latency-ms N             add N ms to every API and download request (default 0)
  --gateway-status-names     report statuses as gateways do: NOT_START, processing, COMPLETED, FAILED

Output
  --log-requests             print one line per request to stderr
  --quiet                    print nothing but the listening line(s)
  --help, -h                 show this help
  --version, -v              show the version

Emulator endpoints (no key needed): GET /_emulator/health, GET|DELETE /_emulator/requests,
GET|POST|DELETE /_emulator/faults, GET /_emulator/webhooks, GET /_emulator/stats.
`;

/** Every flag of the bin (parseArgs configuration); the tests check that HELP and the README cover each. */
export const CLI_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'job-seconds': { type: 'string' },
  'api-key': { type: 'string' },
  'content-mode': { type: 'string' },
  'files-port': { type: 'string' },
  'link-ttl-seconds': { type: 'string' },
  'content-ttl-seconds': { type: 'string' },
  'poll-after-ms': { type: 'string' },
  'max-jobs': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'max-upload-bytes': { type: 'string' },
  'webhook-url': { type: 'string' },
  'webhook-secret': { type: 'string' },
  'webhook-max-attempts': { type: 'string' },
  'webhook-retry-delay-ms': { type: 'string' },
  fault: { type: 'string', multiple: true },
  'fault-rate-limit': { type: 'string' },
  'retry-after': { type: 'string' },
  'fault-server-error': { type: 'string' },
  'server-error-status': { type: 'string' },
  'fault-cut-downloads': { type: 'string' },
  'cut-after-bytes': { type: 'string' },
  'latency-ms': { type: 'string' },
  'gateway-status-names': { type: 'boolean' },
  'log-requests': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

/** What the command line asks for. */
export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'start'; options: EmulatorOptions };

/** A command-line mistake, reported with the usage hint. */
export class CliError extends Error {
  override name = 'CliError';
}

function number(flag: string, raw: string | undefined, { integer = false } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new CliError(`--${flag} expects a${integer ? 'n integer' : ' number'} >= 0, got "${raw}"`);
  }
  return value;
}

function positive(flag: string, raw: string | undefined): number | undefined {
  const value = number(flag, raw, { integer: true });
  if (value === 0) throw new CliError(`--${flag} expects an integer >= 1, got "${raw}"`);
  return value;
}

/** Parses the arguments (without `node` and the script). Throws `CliError` on a mistake. */
export function parseCli(argv: string[]): CliCommand {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const contentMode = values['content-mode'] ?? 'bytes';
  if (contentMode !== 'bytes' && contentMode !== 'url') {
    throw new CliError(`--content-mode expects bytes or url, got "${contentMode}"`);
  }
  if ((values['webhook-url'] === undefined) !== (values['webhook-secret'] === undefined)) {
    throw new CliError('--webhook-url and --webhook-secret go together');
  }
  const scheduled: FaultSpec[] = [];
  for (const spec of values.fault ?? []) {
    try {
      scheduled.push(parseFaultString(spec));
    } catch (error) {
      throw new CliError(`--fault "${spec}": ${(error as Error).message}`);
    }
  }
  const creates = { method: 'POST', path: '/v1/videos' };
  const rateLimited = number('fault-rate-limit', values['fault-rate-limit'], { integer: true });
  if (rateLimited) {
    scheduled.push({
      kind: 'rate-limit',
      times: rateLimited,
      ...creates,
      retryAfterSeconds: number('retry-after', values['retry-after'], { integer: true }) ?? 1,
    });
  }
  const serverErrors = number('fault-server-error', values['fault-server-error'], { integer: true });
  if (serverErrors) {
    scheduled.push({
      kind: 'server-error',
      times: serverErrors,
      ...creates,
      status: number('server-error-status', values['server-error-status'], { integer: true }) ?? 500,
    });
  }
  const cuts = number('fault-cut-downloads', values['fault-cut-downloads'], { integer: true });
  if (cuts) {
    const afterBytes = number('cut-after-bytes', values['cut-after-bytes'], { integer: true });
    scheduled.push({
      kind: 'cut',
      times: cuts,
      method: 'GET',
      path: '/v1/videos/*/content',
      ...(afterBytes === undefined ? {} : { afterBytes }),
    });
  }
  const pollAfter = values['poll-after-ms'];
  const webhookUrl = values['webhook-url'];
  const webhookSecret = values['webhook-secret'];
  const options: EmulatorOptions = {
    port: number('port', values.port, { integer: true }) ?? 4010,
    host: values.host ?? '127.0.0.1',
    jobSeconds: number('job-seconds', values['job-seconds']) ?? 3,
    apiKey: values['api-key'],
    contentMode: contentMode as ContentMode,
    filesPort: number('files-port', values['files-port'], { integer: true }) ?? 0,
    linkTtlSeconds: number('link-ttl-seconds', values['link-ttl-seconds']),
    contentTtlSeconds: number('content-ttl-seconds', values['content-ttl-seconds']),
    pollAfterMs: pollAfter === 'off' ? false : number('poll-after-ms', pollAfter),
    maxJobs: positive('max-jobs', values['max-jobs']),
    maxBodyBytes: positive('max-body-bytes', values['max-body-bytes']),
    maxUploadBytes: positive('max-upload-bytes', values['max-upload-bytes']),
    webhook:
      webhookUrl !== undefined && webhookSecret !== undefined
        ? {
            url: webhookUrl,
            secret: webhookSecret,
            maxAttempts: number('webhook-max-attempts', values['webhook-max-attempts'], { integer: true }),
            retryDelayMs: number('webhook-retry-delay-ms', values['webhook-retry-delay-ms']),
          }
        : undefined,
    faults: {
      scheduled,
      latencyMs: number('latency-ms', values['latency-ms']) ?? 0,
      gatewayStatusNames: values['gateway-status-names'] ?? false,
    },
    logRequests: values['log-requests'] ?? false,
    quiet: values.quiet ?? false,
  };
  return { kind: 'start', options };
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, strict: true, allowPositionals: false, options: CLI_OPTIONS });
}
