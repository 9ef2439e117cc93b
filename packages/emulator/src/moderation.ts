/**
 * The emulator's moderation rule, so that clients can test the `failed` path without a real filter:
 * a prompt that contains the marker `[moderation-block]`, or one of a few words as a whole word
 * (case-insensitive), makes the job fail half way with `error.code = "moderation_blocked"`.
 * The job is accepted first (200, `queued`), as the real service does: moderation is not a 400.
 */
import type { VideoError } from './generated/openapi.js';

/** The marker that always trips moderation; handy in tests because no real prompt contains it. */
export const MODERATION_MARKER = '[moderation-block]';

/** Whole words that trip moderation (documented in the README). */
export const MODERATED_WORDS: readonly string[] = ['gore', 'gory', 'beheading', 'nsfw'];

const wordPattern = new RegExp(`\\b(?:${MODERATED_WORDS.join('|')})\\b`, 'i');

/** Why the prompt is blocked, or `null` when it is fine. */
export function moderate(prompt: string): VideoError | null {
  if (!prompt.toLowerCase().includes(MODERATION_MARKER) && !wordPattern.test(prompt)) return null;
  return {
    code: 'moderation_blocked',
    message: 'Your request was blocked by our moderation system.',
  };
}
