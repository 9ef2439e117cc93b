'use client';
import { useVideoContent } from '@sora-kit/react';

/**
 * Plays a completed job. The client has no key, so the hooks give the route handler's content URLs: the
 * browser streams the MP4 (and seeks with Range requests) and shows the WebP thumbnail until it plays.
 */
export function VideoPlayer({ id }: { id: string | undefined }) {
  const { src } = useVideoContent(id);
  const { src: poster } = useVideoContent(id, { variant: 'thumbnail' });
  if (!src) return <p className="placeholder">The video plays here once it is ready.</p>;
  return (
    // biome-ignore lint/a11y/useMediaCaption: generated videos have no captions to offer
    <video
      key={src}
      src={src}
      poster={poster}
      controls
      playsInline
      preload="metadata"
      aria-label="Generated video"
    />
  );
}
