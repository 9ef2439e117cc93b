import type { SoraPolicy } from '@sora-kit/server';

/**
 * What a demo user may ask for: the handler refuses anything else (403) before the paid call, and the form
 * offers exactly these choices. Wider than the handler's default (sora-2 only, landscape/portrait 720p, at
 * most 8 s) so that every control of the form does something; narrow it before pointing a real key at it.
 */
export const POLICY = {
  models: ['sora-2', 'sora-2-pro'],
  sizes: ['720x1280', '1280x720', '1024x1792', '1792x1024'],
  maxSeconds: 12,
  maxInFlight: 2,
  maxJobsPerWindow: 20,
  windowSeconds: 3600,
} as const satisfies SoraPolicy;

/** Sizes that only `sora-2-pro` renders (the API refuses them for `sora-2`). */
export const PRO_ONLY_SIZES: readonly string[] = ['1024x1792', '1792x1024'];

/** The form's choices, from the policy (plain data: passed from the server page to the client form). */
export interface FormChoices {
  models: readonly string[];
  sizes: readonly string[];
  seconds: readonly ('4' | '8' | '12')[];
}

export const FORM_CHOICES: FormChoices = {
  models: POLICY.models,
  sizes: POLICY.sizes,
  seconds: (['4', '8', '12'] as const).filter((s) => Number(s) <= POLICY.maxSeconds),
};
