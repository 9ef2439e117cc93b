'use client';
import type { Video } from '@sora-kit/core';
import {
  describeError,
  describeFailure,
  type UseVideosResult,
  useVideo,
  useVideoContent,
} from '@sora-kit/react';

interface MyVideosProps {
  /** The videos to show (the list's, minus those being deleted). */
  videos: Video[];
  /** The list they come from (`useVideos`): loading state and paging. */
  list: UseVideosResult;
  error: Error | undefined;
  playing: string | undefined;
  onPlay: (id: string) => void;
  onDelete: (id: string) => void;
}

/** The signed-in user's videos (the handler lists only theirs), newest first, each playable and deletable. */
export function MyVideos({ videos, list, error, playing, onPlay, onDelete }: MyVideosProps) {
  return (
    <section className="panel wide" aria-labelledby="my-videos" aria-busy={list.isFetching}>
      <h2 id="my-videos">My videos</h2>
      {error ? (
        <p role="alert" className="error" title={describeError(error)?.details}>
          {describeError(error)?.message}
        </p>
      ) : null}
      {list.isLoading ? (
        <p className="placeholder">Loading…</p>
      ) : videos.length === 0 ? (
        <p className="placeholder">No videos yet.</p>
      ) : (
        <ul className="videos">
          {videos.map((video) => (
            <VideoCard
              key={video.id}
              video={video}
              playing={video.id === playing}
              onPlay={() => onPlay(video.id)}
              onDelete={() => onDelete(video.id)}
            />
          ))}
        </ul>
      )}
      {list.hasNextPage ? (
        <button type="button" className="secondary" disabled={list.isFetching} onClick={list.fetchNextPage}>
          More
        </button>
      ) : null}
    </section>
  );
}

interface VideoCardProps {
  video: Video;
  playing: boolean;
  onPlay: () => void;
  onDelete: () => void;
}

/** One video: its thumbnail once completed, its live status while running (sharing the page's poller). */
function VideoCard({ video, playing, onPlay, onDelete }: VideoCardProps) {
  const live = useVideo(video.id);
  const { src: thumbnail } = useVideoContent(video.id, { variant: 'thumbnail' });
  const status = live.status ?? video.status;
  const ended = status === 'failed' || status === 'expired';
  const prompt = video.prompt ?? '';
  const title = prompt.length > 60 ? `${prompt.slice(0, 57)}…` : prompt;
  return (
    <li className="card" data-video-id={video.id} aria-current={playing || undefined}>
      {thumbnail ? (
        // biome-ignore lint/performance/noImgElement: next/image's optimizer would fetch it server-side, without the user's cookie
        <img src={thumbnail} alt="" className="thumb" />
      ) : (
        <div className="thumb pending">{status === 'in_progress' ? `${live.progress ?? 0} %` : status}</div>
      )}
      <p className="prompt" title={prompt}>
        {title}
      </p>
      <p className="meta">
        {video.model} · {video.seconds} s · {video.size} · <span className="card-status">{status}</span>
      </p>
      {ended ? <p className="card-reason">{describeFailure(live.video ?? video)}</p> : null}
      <div className="actions">
        {ended ? null : (
          <button
            type="button"
            disabled={status !== 'completed' || playing}
            onClick={onPlay}
            aria-label={`${playing ? 'Playing' : 'Play'} “${title}”`}
          >
            {playing ? 'Playing' : 'Play'}
          </button>
        )}
        <button type="button" className="danger" aria-label={`Delete “${title}”`} onClick={onDelete}>
          Delete
        </button>
      </div>
    </li>
  );
}
