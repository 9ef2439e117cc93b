/**
 * Ids shaped like the real service's, so that clients which check prefixes or lengths are exercised:
 * `video_` + 48 hex characters, `char_` + 32, `req_` + 32, `evt_` + 32.
 */
import { randomBytes, toHex } from './encoding.js';

const hex = (chars: number): string => toHex(randomBytes(chars / 2));

/** A new video job id (`video_` + 48 hex). */
export const newVideoId = (): string => `video_${hex(48)}`;
/** A new character id (`char_` + 32 hex). */
export const newCharacterId = (): string => `char_${hex(32)}`;
/** A new `x-request-id` value. */
export const newRequestId = (): string => `req_${hex(32)}`;
/** A new webhook event id, also used as the delivery's `webhook-id`. */
export const newEventId = (): string => `evt_${hex(32)}`;
