// Handler overhead: `retrieve` through the handler called in-process with a Request, against the same
// fetch straight to the emulator (its own process). Also the figure of a real extra HTTP hop (the handler
// behind the Node adapter, in this process).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createSoraHandler, memoryStore } from '../dist/index.js';
import { toNodeListener } from '../dist/node/index.js';
import { startChild } from './spawn.mjs';

const KEY = 'sk-bench-0123456789';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureOverhead({ rounds = 15, perRound = 100 } = {}) {
  const emulatorBin = join(dirname(createRequire(import.meta.url).resolve('@sora-kit/emulator')), 'bin.js');
  const { child, url } = await startChild(process.execPath, [
    emulatorBin,
    '--port',
    '0',
    '--api-key',
    KEY,
    '--quiet',
    '--job-seconds',
    '1',
  ]);
  const hop = createServer();
  try {
    const created = await fetch(`${url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{"prompt":"bench"}',
    }).then((r) => r.json());
    const store = memoryStore();
    store.add('bench', created.id, 'video', Date.now());
    const handler = createSoraHandler({
      apiKey: KEY,
      baseUrl: url,
      store,
      authorize: () => ({ userId: 'bench' }),
    });
    hop.on('request', toNodeListener(handler));
    await new Promise((resolve) => hop.listen(0, '127.0.0.1', resolve));
    const hopUrl = `http://127.0.0.1:${hop.address().port}`;

    const direct = () =>
      fetch(`${url}/v1/videos/${created.id}`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) =>
        r.json(),
      );
    const inProcess = () =>
      handler(new Request(`http://app.local/api/sora/v1/videos/${created.id}`)).then((r) => r.json());
    const overHttp = () => fetch(`${hopUrl}/api/sora/v1/videos/${created.id}`).then((r) => r.json());
    const time = async (fn) => {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) await fn();
      return (performance.now() - start) / perRound;
    };
    for (const fn of [direct, inProcess, overHttp]) await time(fn); // warm-up
    const d = [];
    const h = [];
    const x = [];
    for (let round = 0; round < rounds; round++) {
      d.push(await time(direct));
      h.push(await time(inProcess));
      x.push(await time(overHttp));
    }
    const blockRatios = h.map((v, i) => v / d[i]);
    return {
      requests: rounds * perRound,
      directMs: median(d),
      handlerMs: median(h),
      hopMs: median(x),
      ratio: median(blockRatios),
      hopRatio: median(x.map((v, i) => v / d[i])),
    };
  } finally {
    hop.closeAllConnections();
    hop.close();
    child.kill();
  }
}
