/** `sora-kit delete <id>`: deletes a job and its content. */

import { validateVideoId } from '@sora-kit/core';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export async function run(
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const id = args[0] ?? '';
  validateVideoId(id);
  const ctx = await openContext(options as ApiOptions, env.out);
  try {
    const deleted = await ctx.client.videos.delete(id, { signal: env.signal });
    env.out.event(deleted);
    env.out.result(`Deleted ${deleted.id ?? id}`);
    return ExitCode.Ok;
  } finally {
    await ctx.close();
  }
}
