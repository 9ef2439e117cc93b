/** `sora-kit wait <id>`: resume watching a job started elsewhere, then download it. */

import { validateVideoId } from '@sora-kit/core';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { followJob } from '../follow-job.js';
import { prepareOutput, resolveOutput } from '../output-file.js';

interface WaitOptions extends ApiOptions {
  output?: string;
  force?: boolean;
  download: boolean;
  timeout?: number;
}

export async function run(
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as WaitOptions;
  const id = args[0] ?? '';
  validateVideoId(id);
  if (opts.download)
    await prepareOutput(await resolveOutput(opts.output, id), { force: opts.force, shown: opts.output });
  const ctx = await openContext(opts, env.out);
  try {
    return await followJob(
      ctx,
      id,
      { output: opts.output, force: opts.force, download: opts.download, timeoutSeconds: opts.timeout },
      env,
    );
  } finally {
    await ctx.close();
  }
}
