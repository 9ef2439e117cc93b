// The plain Node pipeline a user could write without core, as a reference beside curl:
// node plain-download.mjs <url> <path>  (http.get → fs.createWriteStream with 4 MiB buffers)
import { createWriteStream } from 'node:fs';
import { get } from 'node:http';
import { pipeline } from 'node:stream/promises';

const [url, path] = process.argv.slice(2);
const response = await new Promise((resolve, reject) => get(url, resolve).on('error', reject));
await pipeline(response, createWriteStream(path, { highWaterMark: 4 << 20 }));
