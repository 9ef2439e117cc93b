/**
 * Input checks that must pass before any request. The rules for prompts, models, seconds, sizes and ids
 * are core's, not repeated here: {@link validateWithCore} runs the core call on a client whose `fetch`
 * can never send anything, so core's own validation runs (it throws `ValidationError` before any
 * request) and nothing else does.
 *
 * Why not just call the real client? A batch must check every line before creating the first job, and
 * `generate` should refuse bad input before starting an embedded emulator. (Core keeps its validators
 * internal; an exported `validateCreateParams` would make this indirection unnecessary.)
 */
import type { SoraClient } from '@sora-kit/core';

class DryRunStop extends Error {}

/** Runs `call` against a client that sends nothing; rethrows core's `ValidationError`, if any. */
export async function validateWithCore(call: (client: SoraClient) => Promise<unknown>): Promise<void> {
  const { createSoraClient, ValidationError } = await import('@sora-kit/core');
  const dry = createSoraClient({
    apiKey: null,
    baseUrl: 'http://dry-run.invalid',
    maxRetries: 0,
    fetch: () => Promise.reject(new DryRunStop('validation only: nothing is sent')),
  });
  try {
    await call(dry);
  } catch (error) {
    if (ValidationError.isInstance(error)) throw error;
    // Anything else (the stop above, wrapped as a connection error) means the input passed.
  }
}
