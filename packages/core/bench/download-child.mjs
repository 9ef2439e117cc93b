// Run as a child process by download.mjs, so that its peak memory is the download's alone:
// node download-child.mjs <baseUrl> <path>  →  prints {"ms", "bytes", "maxRssMB"}
import { createSoraClient } from '@sora-kit/core';
import { downloadToFile } from '@sora-kit/core/node';

const [baseUrl, path] = process.argv.slice(2);
const client = createSoraClient({ apiKey: 'k', baseUrl });
const started = performance.now();
const { bytes } = await downloadToFile(client, 'video_bench', path, { overwrite: true });
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, bytes, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
