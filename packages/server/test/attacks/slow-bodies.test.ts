// Issue 19: a trickled body held a request for minutes (only Node's 300 s requestTimeout ended it). JSON
// and webhook bodies are read under a deadline, uploads under an idle limit: 408 with an envelope. Real
// sockets through the Node adapter; the tests wait for the answer, not for a time.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createWebhookHandler } from '../../src/index.js';
import { toNodeListener } from '../../src/node/index.js';
import { type App, closeServer, emulator, listen, startApp } from '../support.js';

let emu: RunningEmulator;
let app: App;
let hooks: Server;
let hooksUrl: string;
beforeAll(async () => {
  emu = await emulator();
  app = await startApp({ baseUrl: emu.url, bodyTimeoutMs: 300, uploadIdleTimeoutMs: 300 });
  hooks = createServer(
    toNodeListener(createWebhookHandler({ secret: 'whsec_c2VjcmV0', onEvent: () => {}, bodyTimeoutMs: 300 })),
  );
  hooksUrl = await listen(hooks);
});
afterAll(async () => {
  await app?.close();
  await closeServer(hooks);
  await emu?.close();
});

/**
 * Sends `head`, then one byte of `body` every 50 ms (or, with `stall`, nothing more) until the server
 * answers; resolves with the answer and how much of the body went out.
 */
function trickle(
  url: string,
  head: string,
  body: string,
  stall = false,
): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    let sent = 0;
    let ticker: NodeJS.Timeout | undefined;
    socket.on('error', () => {});
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        clearInterval(ticker);
        socket.destroy();
        resolve({ answer, sent });
      }
    });
    socket.on('connect', () => {
      socket.write(head);
      if (stall) return;
      ticker = setInterval(() => {
        if (sent < body.length) socket.write(body[sent++]!);
      }, 50);
    });
  });
}

const status = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);

describe('bodies are read under a deadline', () => {
  test('a trickled JSON body: 408 before it is all sent', async () => {
    const body = JSON.stringify({ prompt: 'x'.repeat(200) });
    const head = `POST /api/sora/v1/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nCookie: session=alice\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { answer, sent } = await trickle(app.url, head, body);
    expect(status(answer)).toBe(408);
    expect(sent).toBeLessThan(body.length);
    expect(emu.requests().filter((r) => r.method === 'POST')).toEqual([]);
  });

  test('a stalled upload: 408 once it sends nothing for the idle limit', async () => {
    const head = `POST /api/sora/v1/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nCookie: session=alice\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n--B\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na ca`;
    const { answer } = await trickle(app.url, head, '', true);
    expect(status(answer)).toBe(408);
  });

  test('a trickled webhook body: 408', async () => {
    const body = '{"id":"evt_1","object":"event","type":"video.completed","data":{"id":"video_1"}}';
    const head = `POST /hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nwebhook-id: msg_1\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,x\r\n\r\n`;
    const { answer, sent } = await trickle(hooksUrl, head, body);
    expect(status(answer)).toBe(408);
    expect(sent).toBeLessThan(body.length);
  });
});
