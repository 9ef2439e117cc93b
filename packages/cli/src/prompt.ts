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
