// The other side of sqlite-worker.mjs: a JobStore and a dedupe store whose calls run in a worker thread.
import { Worker } from 'node:worker_threads';
import type { WebhookDedupeStore } from '@sora-kit/core';
import type { JobStore } from '../../src/store/job-store.js';

export interface ThreadedStores {
  store: JobStore;
  dedupe: WebhookDedupeStore;
  close(): Promise<void>;
}

export function threadedSqlite(file: string): ThreadedStores {
  const worker = new Worker(new URL('./sqlite-worker.mjs', import.meta.url), { workerData: { file } });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  worker.on('message', ({ id, value, error }) => {
    const call = waiting.get(id);
    waiting.delete(id);
    if (error) call?.reject(new Error(error));
    else call?.resolve(value);
  });
  const proxy = <T extends object>(target: string) =>
    new Proxy({} as T, {
      get:
        (_, method) =>
        (...args: unknown[]) =>
          new Promise((resolve, reject) => {
            const id = next++;
            waiting.set(id, { resolve, reject });
            worker.postMessage({ id, target, method, args });
          }),
    });
  return {
    store: proxy<JobStore>('store'),
    dedupe: proxy<WebhookDedupeStore>('dedupe'),
    close: () => worker.terminate().then(() => undefined),
  };
}
