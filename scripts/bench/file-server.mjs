#!/usr/bin/env node
// A plain node:http file server for download benches, run as a process of its own:
//   node scripts/bench/file-server.mjs [MiB]   → prints http://127.0.0.1:PORT, then serves until killed
// `GET /v1/videos/{id}/content` (and any other path) answers MiB mebibytes (default 512) of generated
// bytes with Content-Length, a strong ETag and `Range` support (a resumed download is served from its
// offset), from one 1 MiB buffer: no file and no 512 MiB buffer anywhere. Loopback only.
import { createServer } from 'node:http';

const SIZE = Number(process.argv[2] ?? 512) * 2 ** 20;
const CHUNK = Buffer.alloc(2 ** 20, 0x5a);

const server = createServer(async (req, res) => {
  req.resume();
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Math.min(Number(range[1]), SIZE) : 0;
  const headers = { 'content-type': 'video/mp4', etag: '"bench"', 'accept-ranges': 'bytes' };
  if (range) headers['content-range'] = `bytes ${start}-${SIZE - 1}/${SIZE}`;
  res.writeHead(range ? 206 : 200, { ...headers, 'content-length': SIZE - start });
  for (let at = start; at < SIZE; ) {
    const offset = at % CHUNK.length;
    const length = Math.min(CHUNK.length - offset, SIZE - at);
    const piece = length === CHUNK.length ? CHUNK : CHUNK.subarray(offset, offset + length);
    at += piece.length;
    if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
    if (res.destroyed) return;
  }
  res.end();
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
