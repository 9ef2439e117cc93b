#!/usr/bin/env node
// The emulator measured by bench/memory.mjs, alone in its process (so that the load generator's
// garbage does not share its heap). Run with --expose-gc. It sends its URL, then answers each IPC
// message "measure" with its memory at rest, and "close" by closing.
import { startEmulator } from '../dist/index.js';

const emulator = await startEmulator({ jobSeconds: 0, quiet: true });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long the process idles before a reading. */
const REST_MS = 25_000;

/**
 * RSS and V8 heap in use (bytes) at rest. Under load V8 grows its young generation and lets the old
 * one fill; once the process idles, its memory reducer gives the young generation back and compacts
 * the old one (8 s after the last collection, then again). So the reading waits that out, then
 * collects everything (and waits for freed pages to be unmapped, which happens on a background
 * thread) rather than reading the high-water mark of the load that just ended.
 */
async function atRest() {
  await sleep(REST_MS);
  for (let i = 0; i < 3; i++) globalThis.gc();
  await sleep(1000);
  globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

process.on('message', async (message) => {
  if (message === 'measure') process.send?.(await atRest());
  if (message === 'close') {
    await emulator.close();
    process.disconnect();
  }
});
process.send?.({ url: emulator.url });
