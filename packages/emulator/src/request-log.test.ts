/**
 * A signed `/files/<token>` link is a credential (anyone holding it downloads the video, no key
 * needed): `--log-requests` and the request log show it redacted, never the token.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BinProcess, ensureBuilt, runBin } from './test-support/bin-process.js';

beforeAll(() => ensureBuilt(), 120_000);

let running: BinProcess[] = [];
afterEach(() => {
  for (const bin of running) if (bin.child.exitCode === null) bin.child.kill('SIGKILL');
  running = [];
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('--log-requests', () => {
  it('prints /files links redacted, on both origins, and keeps the token out of the request log', async () => {
    const bin = runBin(['--port', '0', '--content-mode', 'url', '--job-seconds', '0', '--log-requests']);
    running.push(bin);
    const api = (await bin.line(1)).replace('sora-emulator listening on ', '');
    const headers = { authorization: 'Bearer sk-log', 'content-type': 'application/json' };
    const { id } = (await (
      await fetch(`${api}/v1/videos`, { method: 'POST', headers, body: '{"prompt":"p"}' })
    ).json()) as { id: string };
    const { url } = (await (await fetch(`${api}/v1/videos/${id}/content`, { headers })).json()) as {
      url: string;
    };
    const token = url.slice(url.indexOf('/files/') + '/files/'.length);
    const [payload, signature] = token.split('.') as [string, string];
    const download = await fetch(url);
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    // A forged or mistyped link is redacted too (it may be one character off a real one). The signature's
    // first character is changed: its last one may already be the one put in, or carry only padding bits.
    const forged = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await (await fetch(url.replace(signature, forged))).arrayBuffer();
    await (await fetch(`${api}/files/${token}`)).arrayBuffer(); // the API origin, where it is a 404

    let logged = '';
    for (let i = 0; i < 50 && (logged.match(/GET \/files\//g) ?? []).length < 3; i++) {
      await sleep(50);
      logged = bin.stderr();
    }
    expect(logged).toMatch(/GET \/files\/\[redacted\] 200 /);
    expect(logged).toMatch(/GET \/files\/\[redacted\] 403 /);
    expect(logged).toMatch(/GET \/files\/\[redacted\] 404 /);
    expect(logged).toContain(`GET /v1/videos/${id}/content 200`);

    const log = JSON.stringify(await (await fetch(`${api}/_emulator/requests`)).json());
    expect(log).toContain('/files/[redacted]');
    for (const text of [logged, log]) {
      expect(text).not.toContain(signature);
      expect(text).not.toContain(payload);
    }
  });
});
