/** `sora-kit list`: the jobs, newest first, across as many pages as `--limit` needs. */
import type { Video } from '@sora-kit/core';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { visibleLength } from '../progress/format.js';
import { neutralise } from '../terminal-text.js';

interface ListOptions extends ApiOptions {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
}

export async function run(
  _args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as ListOptions;
  const { out } = env;
  const ctx = await openContext(opts, out);
  try {
    const videos: Video[] = [];
    // Pages of at most 100 (the API's limit); stop as soon as --limit videos arrived.
    const pager = ctx.client.videos.list(
      { limit: Math.min(100, opts.limit), order: opts.order, ...(opts.after && { after: opts.after }) },
      { signal: env.signal },
    );
    for await (const video of pager) {
      videos.push(video);
      out.event(video);
      if (videos.length >= opts.limit) break;
    }
    if (!out.json) printTable(videos, out);
    return ExitCode.Ok;
  } finally {
    await ctx.close();
  }
}

function printTable(videos: Video[], out: CommandEnv['out']): void {
  if (videos.length === 0) {
    out.info('No videos.');
    return;
  }
  const rows = videos.map((v) =>
    [
      v.id,
      typeof v.progress === 'number' && v.status !== 'completed'
        ? `${v.status} ${v.progress}%`
        : String(v.status),
      typeof v.created_at === 'number'
        ? new Date(v.created_at * 1000).toISOString().slice(0, 16).replace('T', ' ')
        : '',
      v.model ?? '',
      v.size ?? '',
      v.seconds ? `${v.seconds}s` : '',
      (v.prompt ?? '').replace(/\s+/g, ' '),
      // Cells as the terminal will show them (controls escaped), so that the columns line up.
    ].map(neutralise),
  );
  const header = ['ID', 'STATUS', 'CREATED (UTC)', 'MODEL', 'SIZE', 'LEN', 'PROMPT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  // On a terminal the prompt is cut to the width; in a pipe every line is whole.
  const columns = out.stdoutIsTTY ? process.stdout.columns || 120 : Number.POSITIVE_INFINITY;
  const line = (cells: string[]) => {
    const text = cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
    return visibleLength(text) > columns ? `${[...text].slice(0, columns - 1).join('')}…` : text;
  };
  out.result(out.stdoutIsTTY ? out.style.dim(line(header)) : line(header));
  for (const row of rows) out.result(line(row));
}
