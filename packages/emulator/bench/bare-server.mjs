// The baseline of the emulator's bench, in a process of its own: a bare node:http server answering every
// request with the bytes of FILE. node bare-server.mjs FILE CONTENT-TYPE → prints http://127.0.0.1:PORT
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [file, contentType] = process.argv.slice(2);
const body = readFileSync(file);
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
