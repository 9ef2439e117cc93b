import { Suspense } from 'react';
import { useCreateVideo, useVideo, useVideoContent, useVideos } from '../src/index.js';

/** A page using every hook: what the SSR and hydration tests render. */
export function EveryHook({ id, suspense = false }: { id: string; suspense?: boolean }) {
  const creator = useCreateVideo({ persist: 'session' });
  const watched = useVideo(id);
  const { src } = useVideoContent(id);
  const thumb = useVideoContent(id, { variant: 'thumbnail' });
  const { videos, isLoading } = useVideos({ limit: 5 });
  return (
    <main>
      <button type="button" disabled={creator.isCreating} onClick={() => creator.create({ prompt: 'x' })}>
        Generate
      </button>
      <p>
        created: {creator.status ?? 'idle'} {creator.isPending ? 'working' : ''}
      </p>
      <p>
        watched: {watched.status ?? 'pending'} {watched.progress ?? 0}% {watched.isPending ? 'pending' : ''}
      </p>
      {src ? (
        // biome-ignore lint/a11y/useMediaCaption: a generated clip comes with no captions to offer
        <video src={src} poster={thumb.src} />
      ) : (
        <p>no video yet</p>
      )}
      <p>{isLoading ? 'loading list' : `${videos.length} videos`}</p>
      {suspense ? (
        <Suspense fallback={<p>suspended</p>}>
          <Suspended id={id} />
        </Suspense>
      ) : null}
    </main>
  );
}

function Suspended({ id }: { id: string }) {
  const { status } = useVideo(id, { suspense: true });
  return <p>suspense: {status}</p>;
}
