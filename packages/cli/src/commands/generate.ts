/** `sora-kit generate <prompt>`: create a job, watch it with progress, download the MP4 (or `--no-wait`). */
import type { VideoCreateParams } from '@sora-kit/core';
import { validateCreateParams } from '@sora-kit/core';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { checkInputReference, loadInputReference } from '../input-image.js';
import { prepareOutput, resolveOutput } from '../output-file.js';
import { checkPromptText, readPrompt } from '../prompt.js';
import { startAndFollow } from './announce.js';

interface GenerateOptions extends ApiOptions {
  model?: string;
  seconds?: string;
  size?: string;
  inputReference?: string;
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
  const opts = options as unknown as GenerateOptions;
  const prompt = await readPrompt(args[0] ?? '');
  const params: VideoCreateParams = {
    prompt,
    ...(opts.model !== undefined && { model: opts.model }),
    ...(opts.seconds !== undefined && { seconds: opts.seconds as VideoCreateParams['seconds'] }),
    ...(opts.size !== undefined && { size: opts.size as VideoCreateParams['size'] }),
  };

  // Everything that can be checked is checked before the first request (exit 2, nothing paid for).
  checkPromptText(prompt);
  validateCreateParams(params);
  if (opts.inputReference !== undefined) await checkInputReference(opts.inputReference, opts.size);
  // The output is checked for real (folder, permission, name) before the job exists: a create is paid for.
  if (opts.wait)
    await prepareOutput(await resolveOutput(opts.output, undefined), {
      force: opts.force,
      shown: opts.output,
    });

  const ctx = await openContext(opts, env.out, { embeddedEmulator: true });
  try {
    if (opts.inputReference !== undefined)
      params.input_reference = await loadInputReference(opts.inputReference, opts.size);
    return await startAndFollow(ctx, ctx.client.videos.create(params, { signal: env.signal }), opts, env);
  } finally {
    await ctx.close();
  }
}
