// One request must never end the process: each attack below runs against a real server process (the
// built package behind the Node adapter), which must still answer afterwards. Path tricks must not reach
// anything but the routes.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulator, KEY } from './support.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'serve.mjs');
let emu: RunningEmulator;
let child: ChildProcess;
let port: number;
let stderr = '';
let exited: number | null = null;

/** Sends raw bytes on a fresh connection; resolves with what came back when the server closes or after `waitMs`. */
function raw(bytes: string | Buffer[], waitMs = 2000, pauseMs = 0): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', () => {});
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.on('close', done);
    setTimeout(done, waitMs);
    socket.on('connect', async () => {
      for (const part of typeof bytes === 'string' ? [Buffer.from(bytes, 'latin1')] : bytes) {
        socket.write(part);
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
    });
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
const session = 'Cookie: session=alice\r\n';

beforeAll(async () => {
  emu = await emulator({ jobSeconds: 0.2 });
  child = spawn(process.execPath, [fixture], {
    env: { ...process.env, SORA_API_KEY: KEY, SORA_BASE_URL: emu.url, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  port = await new Promise<number>((resolve) =>
    child.stdout!.on('data', (d) => {
      const match = /listening on (\d+)/.exec(String(d));
      if (match) resolve(Number(match[1]));
    }),
  );
});
afterAll(async () => {
  child?.kill();
  await emu?.close();
});

async function stillServes() {
  expect(exited, stderr).toBeNull();
  const answer = await raw(
    `GET /api/sora/v1/videos HTTP/1.1\r\nHost: 127.0.0.1\r\n${session}Connection: close\r\n\r\n`,
  );
  expect(statusOf(answer)).toBe(200);
}

describe('no single request ends the process', () => {
  test.each([
    ['TRACE', `TRACE /api/sora/v1/videos HTTP/1.1\r\nHost: localhost\r\n${session}\r\n`, 405],
    ['CONNECT', 'CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n', 0],
    ['a malformed Host', `GET /api/sora/v1/videos HTTP/1.1\r\nHost: a b/%%\r\n${session}\r\n`, 400],
    ['no Host', `GET /api/sora/v1/videos HTTP/1.0\r\n${session}\r\n`, 400],
    [
      'huge headers',
      `GET /api/sora/v1/videos HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
      431,
    ],
    ['garbage', 'NOT HTTP AT ALL\r\n\r\n', 400],
  ])('%s', async (_name, request, status) => {
    const answer = await raw(request);
    if (status) expect(statusOf(answer)).toBe(status);
    expect(answer).not.toContain(KEY);
    await stillServes();
  });

  test('a body cut mid-way (JSON and multipart)', async () => {
    const head = (type: string) =>
      `POST /api/sora/v1/videos HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n${session}Content-Type: ${type}\r\nContent-Length: 100000\r\n\r\n`;
    await raw([Buffer.from(`${head('application/json')}{"prompt":"cut`)], 300);
    await raw(
      [
        Buffer.from(
          `${head('multipart/form-data; boundary=b')}--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhal`,
        ),
      ],
      300,
    );
    await stillServes();
  });

  test('a slow body (one byte at a time) is served or timed out, not fatal', async () => {
    const body = '{"prompt":"slow"}';
    const parts = [
      Buffer.from(
        `POST /api/sora/v1/videos HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n${session}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
    ];
    for (const c of body) parts.push(Buffer.from(c));
    const answer = await raw(parts, 5000, 50);
    expect(statusOf(answer)).toBe(200);
    await stillServes();
  });

  test('an upstream download cut mid-body', async () => {
    const create = await raw(
      `POST /api/sora/v1/videos HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n${session}Content-Type: application/json\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{"prompt":"c"}`,
    );
    const id = /"id":"(video_[0-9a-f]+)"/.exec(create)![1]!;
    await expect
      .poll(() => emu.videos().find((v) => v.id === id)?.status, { timeout: 5000 })
      .toBe('completed');
    emu.faults.add({ kind: 'cut', path: `/v1/videos/${id}/content`, method: 'GET' });
    const answer = await raw(
      `GET /api/sora/v1/videos/${id}/content HTTP/1.1\r\nHost: localhost\r\n${session}Connection: close\r\n\r\n`,
      3000,
    );
    expect(statusOf(answer)).toBe(200);
    const length = Number(/content-length: (\d+)/i.exec(answer)?.[1]);
    expect(Buffer.byteLength(answer.split('\r\n\r\n').slice(1).join('\r\n\r\n'), 'latin1')).toBeLessThan(
      length,
    );
    await stillServes();
  });

  test('an unreachable upstream is a 502, and the process lives on', async () => {
    const other = spawn(process.execPath, [fixture], {
      env: { ...process.env, SORA_API_KEY: KEY, SORA_BASE_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const otherPort = await new Promise<number>((resolve) =>
        other.stdout!.on('data', (d) => resolve(Number(/listening on (\d+)/.exec(String(d))![1]))),
      );
      const response = await fetch(`http://127.0.0.1:${otherPort}/api/sora/v1/videos`, {
        method: 'POST',
        headers: {
          cookie: 'session=alice',
          origin: `http://127.0.0.1:${otherPort}`,
          'content-type': 'application/json',
        },
        body: '{"prompt":"p"}',
      });
      expect(response.status).toBe(502);
      expect(other.exitCode).toBeNull();
    } finally {
      other.kill();
    }
  });
});

describe('path tricks reach nothing but the routes', () => {
  test.each([
    '/api/sora/v1/videos/../../_emulator/faults',
    '/api/sora/v1/videos/%2e%2e/%2e%2e/_emulator/faults',
    '/api/sora/v1/videos/video_1%2f..%2f..%2f_emulator',
    '/api/sora/v1/videos/..%2f_emulator%2ffaults/content',
    '/api/sora//v1/videos',
    '/api/sora/v1//videos',
    '/api/sora/v1/videos/%2e%2e',
    '/api/sora/v1/videos/video_1/content/../../../../../etc/passwd',
    'http://evil.example/api/sora/v1/videos',
    '//evil.example/api/sora/v1/videos',
  ])('%s', async (target) => {
    emu.clearRequests();
    const answer = await raw(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${session}Connection: close\r\n\r\n`,
    );
    expect([400, 404]).toContain(statusOf(answer));
    expect(emu.requests().filter((r) => !r.path.startsWith('/v1/videos')).length).toBe(0);
    expect(emu.requests().length).toBe(0);
  });
});
