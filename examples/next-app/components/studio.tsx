'use client';
import { createSoraClient } from '@sora-kit/core';
import { describeError, SoraProvider, useCreateVideo, useSoraClient, useVideos } from '@sora-kit/react';
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { DemoUser } from '@/lib/demo-users';
import type { FormChoices } from '@/lib/policy';
import { CreateForm } from './create-form';
import { JobProgress } from './job-progress';
import { MyVideos } from './my-videos';
import { VideoPlayer } from './video-player';

interface StudioProps {
  user: DemoUser;
  choices: FormChoices;
}

/** The signed-in part of the page: one client for it (keyless: the route handler adds the key). */
export function Studio({ user, choices }: StudioProps) {
  const [client] = useState(() => createSoraClient({ baseUrl: '/api/sora', apiKey: null }));
  return (
    <SoraProvider client={client}>
      <Workspace user={user} choices={choices} />
    </SoraProvider>
  );
}

function Workspace({ user, choices }: StudioProps) {
  const client = useSoraClient();
  // The job being made. Its id is kept in sessionStorage (per user), so a reload resumes following it.
  const job = useCreateVideo({ persist: 'session', persistKey: `sora-kit:video:${user}` });
  const list = useVideos({ limit: 8 });
  // A video picked in "My videos" to play instead of the job's; videos being deleted (hidden already).
  const [picked, setPicked] = useState<string>();
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const [deleteError, setDeleteError] = useState<Error>();
  const followed = job.video?.id;
  const problem = describeError(job.error);
  const playing = picked ?? (job.isDone ? followed : undefined);

  // "My videos" shows the followed job from its start: fetch the list again when it lacks it (once per job).
  const refreshedFor = useRef<string | undefined>(undefined);
  const { videos, isLoading, isFetching, refresh } = list;
  useEffect(() => {
    if (!followed || isLoading || isFetching || refreshedFor.current === followed) return;
    refreshedFor.current = followed;
    if (!videos.some((video) => video.id === followed)) refresh();
  }, [followed, videos, isLoading, isFetching, refresh]);

  const remove = async (id: string) => {
    setDeleteError(undefined);
    // Off the screen first: its card unmounts, so nothing polls a job that is about to be a 404.
    flushSync(() => setGone((ids) => new Set(ids).add(id)));
    if (id === picked) setPicked(undefined);
    try {
      if (id === followed) await job.cancel({ delete: true });
      else await client.videos.delete(id);
    } catch (error) {
      setDeleteError(error as Error);
      setGone((ids) => new Set([...ids].filter((other) => other !== id)));
    }
    refresh();
  };

  return (
    <div className="studio">
      <section className="panel" aria-labelledby="new-video">
        <h2 id="new-video">New video</h2>
        <CreateForm
          choices={choices}
          busy={job.isPending}
          problem={problem}
          jobPrompt={job.video?.prompt ?? undefined}
          onCreate={(params) => {
            setPicked(undefined);
            void job.create(params); // its errors are shown from `job.error`
          }}
        />
        <JobProgress job={job} problem={problem} onCancel={() => followed && void remove(followed)} />
      </section>
      <section className="panel" aria-labelledby="player-title">
        <h2 id="player-title">Player</h2>
        <VideoPlayer id={playing} pending={job.isPending} />
      </section>
      <MyVideos
        videos={videos.filter((video) => !gone.has(video.id))}
        list={list}
        error={list.error ?? deleteError}
        playing={playing}
        onPlay={setPicked}
        onDelete={(id) => void remove(id)}
      />
    </div>
  );
}
