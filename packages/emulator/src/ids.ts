/**
 * Ids shaped like the real service's, so that clients which check prefixes or lengths are exercised:
 * `video_` + 48 hex characters, `char_` + 32, `req_` + 32, `evt_` + 32.
 */
import { randomBytes, toHex } from './encoding.js';

/** `prefix` and `chars` random hex, as one flat string (a `+` would keep a two-node rope in every id kept). */
const id = (prefix: string, chars: number): string => [prefix, toHex(randomBytes(chars / 2))].join('');

/** A new video job id (`video_` + 48 hex). */
export const newVideoId = (): string => id('video_', 48);
/** A new character id (`char_` + 32 hex). */
export const newCharacterId = (): string => id('char_', 32);
/** A new `x-request-id` value. */
export const newRequestId = (): string => id('req_', 32);
/** A new webhook event id, also used as the delivery's `webhook-id`. */
export const newEventId = (): string => id('evt_', 32);
