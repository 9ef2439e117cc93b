/**
 * A proxy in front of the emulator that gives every job a server-chosen id of 256 characters (the longest
 * core accepts): `<emulator id>_xxx…` in every JSON answer, mapped back in the paths it forwards. What a
 * gateway with long ids looks like to the CLI.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LONG_ID_LENGTH = 256;

export interface LongIdServer {
  url: string;
  close(): Promise<void>;
}

export async function startLongIdServer(upstream: string): Promise<LongIdServer> {
  const target = new URL(upstream);
  const lengthen = (text: string) =>
    text.replace(
      /video_[0-9a-f]{48}(?![_\w])/g,
      (id) => `${id}_${'x'.repeat(LONG_ID_LENGTH - id.length - 1)}`,
    );
  const shorten = (text: string) => text.replace(/(video_[0-9a-f]{48})_x+/g, '$1');
  const server = createServer((req, res) => {
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: shorten(req.url ?? '/'),
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        const json = /json/.test(String(answer.headers['content-type'] ?? ''));
        if (!json) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        let body = '';
        answer.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        answer.on('end', () => {
          const text = lengthen(body);
          const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(text);
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
