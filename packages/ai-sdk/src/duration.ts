import { InvalidArgumentError, type SharedV4Warning } from '@ai-sdk/provider';
import type { VideoSeconds } from '@sora-kit/core';

const LENGTHS = [4, 8, 12] as const;

/**
 * Maps the AI SDK's `duration` (seconds, a number) to Sora's `seconds` (the string `'4'`, `'8'` or `'12'`):
 * the nearest length, the longer one on a tie (6 → 8), with an `unsupported` warning when it is not exact.
 */
export function pickSeconds(
  duration: number | undefined,
  warnings: SharedV4Warning[],
): VideoSeconds | undefined {
  if (duration === undefined) return undefined;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    throw new InvalidArgumentError({
      argument: 'duration',
      message: `Invalid value for 'duration': ${String(duration)}. Allowed: a positive number of seconds (Sora renders 4, 8 or 12).`,
    });
  }
  let best: (typeof LENGTHS)[number] = LENGTHS[0];
  for (const length of LENGTHS) if (Math.abs(length - duration) <= Math.abs(best - duration)) best = length;
  if (best !== duration) {
    warnings.push({
      type: 'unsupported',
      feature: 'duration',
      details: `Sora renders 4, 8 or 12 seconds; used ${best}, the nearest to ${duration}.`,
    });
  }
  return String(best) as VideoSeconds;
}
