'use client';
import { useVideoContent } from '@sora-kit/react';

/**
 * Plays a completed job. The client has no key, so the hooks give the route handler's content URLs: the
 * browser streams the MP4 (and seeks with Range requests) and shows the WebP thumbnail until it plays.
 * Before there is a video, it says what will appear here.
 */
export function VideoPlayer({ id, pending }: { id: string | undefined; pending: boolean }) {
  const { src } = useVideoContent(id);
  const { src: poster } = useVideoContent(id, { variant: 'thumbnail' });
  if (!src) {
    return (
      <div className="player-empty">
        <p>
          {pending
            ? 'Your video will play here as soon as it is ready.'
            : 'Your video plays here once it is ready. Generate one, or pick one in “My videos”.'}
        </p>
      </div>
    );
  }
  return (
    // biome-ignore lint/a11y/useMediaCaption: generated videos have no captions to offer
    <video
      key={src}
      src={src}
      poster={poster}
      controls
      playsInline
      // The whole clip (a few seconds): it is what the user asked for, and a download left suspended after
      // the metadata would be cut when the player goes (a cancelled request in DevTools).
      preload="auto"
      aria-label="Generated video"
    />
  );
}
