import { ValidationError } from '@sora-kit/core';
import { UsageError } from './cli-error.js';

/** The prompt argument; `-` reads it from stdin (for long prompts, or prompts from a file). */
export async function readPrompt(arg: string): Promise<string> {
  if (arg !== '-') return arg;
  if (process.stdin.isTTY)
    throw new UsageError("The prompt '-' reads stdin, but stdin is a terminal; pipe the prompt in.");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * Refuses a prompt of only whitespace, as core refuses an empty one: a server would start (and bill) a
 * job for it. Core's own check will cover it too; this one makes the CLI refuse it whatever core says.
 */
export function checkPromptText(prompt: string): void {
  if (prompt !== '' && prompt.trim() === '') {
    throw new ValidationError(
      'prompt',
      prompt,
      'a string of 1 to 32000 characters that is not only whitespace',
    );
  }
}
