/** `sora-kit remix <id> <prompt>`: a new job from a completed video and a new prompt; waits and downloads. */

import { validatePrompt, validateVideoId } from '@sora-kit/core';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { prepareOutput, resolveOutput } from '../output-file.js';
import { checkPromptText, readPrompt } from '../prompt.js';
import { startAndFollow } from './announce.js';

interface RemixOptions extends ApiOptions {
  output?: string;
  force?: boolean;
  wait: boolean;
  timeout?: number;
}

export async function run(
  args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as RemixOptions;
  const source = args[0] ?? '';
  const prompt = await readPrompt(args[1] ?? '');
  validateVideoId(source);
  checkPromptText(prompt);
  validatePrompt(prompt);
  // The output is checked for real (folder, permission, name) before the job exists: a create is paid for.
  if (opts.wait)
    await prepareOutput(await resolveOutput(opts.output, undefined), {
      force: opts.force,
      shown: opts.output,
    });
  const ctx = await openContext(opts, env.out);
  try {
    return await startAndFollow(
      ctx,
      ctx.client.videos.remix(source, { prompt }, { signal: env.signal }),
      opts,
      env,
    );
  } finally {
    await ctx.close();
  }
}
