// Cloudflare D1 in Miniflare 3 (real workerd and its SQLite): the store bundled into a Worker
// (d1-worker.ts) and called over HTTP, so it runs where D1 stores run and concurrent calls race inside
// workerd. D1 answers a call in milliseconds to tens of them, so the 10,000 jobs of the list case are
// seeded in bulk through Miniflare's own D1 binding.
import type { WebhookDedupeStore } from '@sora-kit/core';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { JobStore } from '../../src/store/job-store.js';
import { sqliteListSql } from '../../src/store/sqlite.js';
import { describeJobStore } from './contract.js';

const INFINITY = '\u0000Infinity';

describeJobStore('Cloudflare D1 (Miniflare 3)', async () => {
  const bundle = await build({
    entryPoints: [new URL('./d1-worker.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]?.text as string,
    compatibilityDate: '2024-09-23',
    d1Databases: ['DB'],
    host: '127.0.0.1',
    port: 0,
  });
  const url = await mf.ready;
  const db = await mf.getD1Database('DB');
  let instances = 0;
  const remote = <T extends object>(instance: string, target: 'store' | 'dedupe') =>
    new Proxy({} as T, {
      get:
        (_, method) =>
        async (...args: unknown[]) => {
          const body = JSON.stringify({ instance, target, method, args }, (_, v) =>
            v === Number.POSITIVE_INFINITY ? INFINITY : v,
          );
          const response = await fetch(url, { method: 'POST', body });
          const answer = (await response.json()) as { value?: unknown; error?: string };
          if (!response.ok) throw new Error(answer.error);
          return answer.value ?? undefined;
        },
    });
  const store = remote<JobStore>('first', 'store');
  return {
    store,
    stores: [remote<JobStore>('second', 'store')],
    startAnother: () => remote<JobStore>(`started-${++instances}`, 'store'),
    dedupe: remote<WebhookDedupeStore>('first', 'dedupe'),
    dedupes: [remote<WebhookDedupeStore>('second', 'dedupe')],
    seedJobs: async (userId, jobs) => {
      await store.owns('', ''); // the store's first call creates its tables
      for (let i = 0; i < jobs.length; i += 1000) {
        await db
          .prepare(
            `INSERT INTO sora_jobs (id, user_id, kind, created_at)
             SELECT json_extract(value, '$.id'), ?1, 'video', json_extract(value, '$.createdAt') FROM json_each(?2)`,
          )
          .bind(userId, JSON.stringify(jobs.slice(i, i + 1000)))
          .run();
      }
    },
    explainList: async (userId, order, after) => {
      const plan = await db
        .prepare(`EXPLAIN QUERY PLAN ${sqliteListSql('sora_jobs', order)}`)
        .bind(userId, after, 21)
        .all<{ detail: string }>();
      return plan.results.map((r: { detail: string }) => r.detail).join('\n');
    },
    indexPlan: [
      /SEARCH sora_jobs USING (COVERING )?INDEX sora_jobs_user_videos \(user_id=\? AND /,
      /SEARCH c USING INDEX sqlite_autoindex_sora_jobs_1 \(id=\?\)/,
    ],
    scanPlan: /SCAN|TEMP B-TREE/,
    close: () => mf.dispose(),
  };
});
