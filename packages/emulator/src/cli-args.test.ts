/** The command line turned into `startEmulator` options. */
import { describe, expect, it } from 'vitest';
import { CliError, parseCli } from './cli-args.js';

const start = (args: string[]) => {
  const command = parseCli(args);
  if (command.kind !== 'start') throw new Error(`expected start, got ${command.kind}`);
  return command.options;
};

describe('parseCli', () => {
  it('applies the documented defaults', () => {
    expect(start([])).toMatchObject({
      port: 4010,
      host: '127.0.0.1',
      jobSeconds: 3,
      contentMode: 'bytes',
      filesPort: 0,
      apiKey: undefined,
      pollAfterMs: undefined,
      webhook: undefined,
      faults: { scheduled: [], latencyMs: 0, gatewayStatusNames: false },
      logRequests: false,
      quiet: false,
    });
  });

  it('reads every server option', () => {
    expect(
      start([
        '-p',
        '0',
        '--host',
        '0.0.0.0',
        '--job-seconds',
        '0.25',
        '--api-key',
        'k',
        '--content-mode',
        'url',
        '--files-port',
        '4011',
        '--link-ttl-seconds',
        '60',
        '--content-ttl-seconds',
        '120',
        '--poll-after-ms',
        'off',
        '--log-requests',
        '--max-jobs',
        '50',
        '--max-body-bytes',
        '2048',
        '--max-upload-bytes',
        '4096',
      ]),
    ).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      jobSeconds: 0.25,
      apiKey: 'k',
      contentMode: 'url',
      filesPort: 4011,
      linkTtlSeconds: 60,
      contentTtlSeconds: 120,
      pollAfterMs: false,
      logRequests: true,
      maxJobs: 50,
      maxBodyBytes: 2048,
      maxUploadBytes: 4096,
    });
    expect(start(['--poll-after-ms', '250']).pollAfterMs).toBe(250);
  });

  it('turns the fault flags into scheduled faults', () => {
    const options = start([
      '--fault-rate-limit',
      '3',
      '--retry-after',
      '2',
      '--fault-server-error',
      '1',
      '--server-error-status',
      '502',
      '--fault-cut-downloads',
      '2',
      '--cut-after-bytes',
      '4096',
      '--latency-ms',
      '150',
      '--gateway-status-names',
      '--fault',
      'latency;ms=20;times=4',
    ]);
    expect(options.faults).toEqual({
      latencyMs: 150,
      gatewayStatusNames: true,
      scheduled: [
        { kind: 'latency', latencyMs: 20, times: 4 },
        { kind: 'rate-limit', times: 3, method: 'POST', path: '/v1/videos', retryAfterSeconds: 2 },
        { kind: 'server-error', times: 1, method: 'POST', path: '/v1/videos', status: 502 },
        { kind: 'cut', times: 2, method: 'GET', path: '/v1/videos/*/content', afterBytes: 4096 },
      ],
    });
  });

  it('reads the webhook flags, which go together', () => {
    expect(
      start(['--webhook-url', 'http://h/x', '--webhook-secret', 'whsec_AAAA', '--webhook-max-attempts', '2'])
        .webhook,
    ).toEqual({ url: 'http://h/x', secret: 'whsec_AAAA', maxAttempts: 2, retryDelayMs: undefined });
    expect(() => parseCli(['--webhook-secret', 'whsec_AAAA'])).toThrow(CliError);
  });

  it('answers help and version, and refuses mistakes with CliError', () => {
    expect(parseCli(['-h'])).toEqual({ kind: 'help' });
    expect(parseCli(['--version'])).toEqual({ kind: 'version' });
    for (const args of [
      ['--port', '-1'],
      ['--port', '1.5'],
      ['--latency-ms', ''],
      ['--fault', 'explode'],
      ['--fault', 'latency;ms'],
      ['positional'],
      ['--unknown'],
      ['--max-jobs', '0'],
      ['--max-body-bytes', '1.5'],
    ]) {
      expect(() => parseCli(args), args.join(' ')).toThrow(CliError);
    }
  });
});
