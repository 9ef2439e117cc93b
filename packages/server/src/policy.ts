import type { VideoSize } from '@sora-kit/core';
import { invalidField, policyRefusal } from './envelope.js';

/**
 * What a user may do, checked by the handler before any paid call upstream. The defaults are the cheap
 * end: `sora-2` only, the two 720p sizes, up to 8 s, 2 jobs in flight and 20 jobs an hour per user.
 */
export interface SoraPolicy {
  /** Models a job may use (create; edits and extensions use the source's). Default: `['sora-2']`. */
  models?: readonly string[] | undefined;
  /** Sizes a job may have. Default: `['720x1280', '1280x720']` (the 1792 sizes need sora-2-pro). */
  sizes?: readonly VideoSize[] | undefined;
  /** The longest `seconds` a job (create, extension) may ask for. Default: 8. */
  maxSeconds?: number | undefined;
  /** Jobs (create, remix, edit, extend) a user may have queued or running at once. Default: 2. */
  maxInFlight?: number | undefined;
  /** Jobs a user may start per `windowSeconds`. Default: 20. */
  maxJobsPerWindow?: number | undefined;
  /** The window of `maxJobsPerWindow`, in seconds. Default: 3600. */
  windowSeconds?: number | undefined;
  /** Largest JSON request body, in bytes (data-URL images count). Default: 8 MiB. */
  maxJsonBytes?: number | undefined;
  /** Largest multipart upload (`input_reference` image, edit/extension video, character), in bytes. Default: 64 MiB. */
  maxUploadBytes?: number | undefined;
}

/** {@link SoraPolicy} with every default filled in. */
export type ResolvedPolicy = { [K in keyof SoraPolicy]-?: NonNullable<SoraPolicy[K]> };

const positive = (name: string, value: number) => {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`Invalid value for 'policy.${name}': ${value}. Allowed: a number > 0.`);
  }
  return value;
};

/** Fills in the defaults and checks the numbers (a typo must not open the door: it throws). */
export function resolvePolicy(policy: SoraPolicy = {}): ResolvedPolicy {
  return {
    models: [...(policy.models ?? ['sora-2'])],
    sizes: [...(policy.sizes ?? ['720x1280', '1280x720'])],
    maxSeconds: positive('maxSeconds', policy.maxSeconds ?? 8),
    maxInFlight: positive('maxInFlight', policy.maxInFlight ?? 2),
    maxJobsPerWindow: positive('maxJobsPerWindow', policy.maxJobsPerWindow ?? 20),
    windowSeconds: positive('windowSeconds', policy.windowSeconds ?? 3600),
    maxJsonBytes: positive('maxJsonBytes', policy.maxJsonBytes ?? 8 * 1024 * 1024),
    maxUploadBytes: positive('maxUploadBytes', policy.maxUploadBytes ?? 64 * 1024 * 1024),
  };
}

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The job fields the policy judges, as sent (JSON values or multipart text fields). */
export interface JobShape {
  model?: unknown;
  size?: unknown;
  seconds?: unknown;
}

/**
 * Checks a job's model, size and seconds against the policy (absent fields take the API's defaults:
 * `sora-2`, `720x1280`, `4`). Throws a 403 envelope naming the field and what is allowed.
 */
export function checkJobShape(policy: ResolvedPolicy, shape: JobShape, fields: (keyof JobShape)[]): void {
  if (fields.includes('model')) {
    const model = shape.model ?? 'sora-2';
    if (typeof model !== 'string')
      throw invalidField('model', `Invalid type for 'model': expected a string.`);
    if (!policy.models.includes(model)) {
      throw policyRefusal(
        'model',
        `The model '${model.slice(0, 80)}' is not allowed here. Allowed: ${quoted(policy.models)}.`,
      );
    }
  }
  if (fields.includes('size')) {
    const size = shape.size ?? '720x1280';
    if (typeof size !== 'string' || !(policy.sizes as readonly string[]).includes(size)) {
      throw policyRefusal(
        'size',
        `The size ${JSON.stringify(size).slice(0, 40)} is not allowed here. Allowed: ${quoted(policy.sizes)}.`,
      );
    }
  }
  if (fields.includes('seconds')) {
    const seconds = shape.seconds ?? '4';
    if (typeof seconds !== 'string' || !/^\d{1,3}$/.test(seconds)) {
      throw invalidField(
        'seconds',
        `Invalid value for 'seconds': ${JSON.stringify(seconds).slice(0, 40)}. Allowed: '4', '8', '12'.`,
      );
    }
    if (Number(seconds) > policy.maxSeconds) {
      throw policyRefusal(
        'seconds',
        `Jobs of ${seconds} seconds are not allowed here. Allowed: up to ${policy.maxSeconds}.`,
      );
    }
  }
}
