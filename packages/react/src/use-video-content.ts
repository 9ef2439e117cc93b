'use client';
import type { VideoContentVariant } from '@sora-kit/core';
import { contentKey, contentStore, IDLE } from './content-store.js';
import { isKeyless } from './keyless.js';
import { useSoraClient } from './provider.js';
import { useSharedState } from './use-shared-state.js';
import { useVideoState } from './use-video.js';

/** Options of {@link useVideoContent}. */
export interface UseVideoContentOptions {
  /** `video` (MP4), `thumbnail` (WebP) or `spritesheet` (JPEG). Default: `video`. */
  variant?: VideoContentVariant | undefined;
}

/** What {@link useVideoContent} returns. */
export interface UseVideoContentResult {
  /** A URL for `<video src>` / `<img src>`, once the job completed (and, downloaded, its bytes are in). */
  src: string | undefined;
  /** `src` is set. */
  isReady: boolean;
  /** Why the download failed, when the media is downloaded. */
  error: Error | undefined;
}

/**
 * A URL to play or show a job's media once it completed (the job is watched meanwhile, sharing its poller).
 *
 * A client without a key (a browser behind `@sora-kit/server`) gets the server handler's content URL: the
 * browser streams it and can seek. A client with a key downloads the media with `downloadContent` (the key
 * never reaches a URL) into an object URL, revoked when the last component using it unmounts.
 *
 * @example
 * const { src } = useVideoContent(id);
 * return src ? <video src={src} controls /> : null;
 */
export function useVideoContent(
  id: string | null | undefined,
  options: UseVideoContentOptions = {},
): UseVideoContentResult {
  const client = useSoraClient();
  const variant = options.variant ?? 'video';
  const { status } = useVideoState(client, id);
  const direct = isKeyless(client);
  // Downloaded only by a client with a key, once there is something to download.
  const download = id && status === 'completed' && !direct ? contentKey(id, variant) : undefined;
  const downloaded = useSharedState(contentStore(client), download, IDLE);
  if (!id || status !== 'completed') return { src: undefined, isReady: false, error: undefined };
  const src = direct
    ? `${client.baseUrl}/v1/videos/${encodeURIComponent(id)}/content${variant === 'video' ? '' : `?variant=${variant}`}`
    : downloaded.src;
  return { src, isReady: !!src, error: downloaded.error };
}
