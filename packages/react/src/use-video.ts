'use client';
import type { SoraClient } from '@sora-kit/core';
import { useCallback } from 'react';
import { useSoraClient } from './provider.js';
import { useSharedState } from './use-shared-state.js';
import { EMPTY, isTerminal, type VideoState } from './video-state.js';
import { videoStore } from './video-store.js';

/** Options of {@link useVideo}. */
export interface UseVideoOptions {
  /**
   * Suspend (throw to the nearest `<Suspense>`) until the first answer about the job, and throw an error
   * that comes before any answer to the nearest error boundary. On the server it throws, so the boundary
   * renders on the client. Default: false (nothing is thrown during render).
   */
  suspense?: boolean | undefined;
}

/** What {@link useVideo} returns. */
export interface UseVideoResult extends VideoState {
  /** A job is watched and has not ended (nor has polling stopped on an error). */
  isPending: boolean;
  /** The job completed: its content can be fetched. */
  isDone: boolean;
  /** Asks for the job's state now (also restarts polling after an error). */
  refresh: () => void;
}

/** The state of job `id` in `client`'s store, watched (and polled) while mounted. */
export function useVideoState(client: SoraClient, id: string | null | undefined): VideoState {
  return useSharedState(videoStore(client), id, EMPTY);
}

/** The flags and `refresh` of a watched job. */
export function useJobControls(client: SoraClient, id: string | null | undefined, state: VideoState) {
  const refresh = useCallback(() => {
    if (id) videoStore(client).refresh(id);
  }, [client, id]);
  return {
    isPending: !!id && !state.error && !isTerminal(state.status),
    isDone: state.status === 'completed',
    refresh,
  };
}

/**
 * Watches a video job: its status, progress and ETA, updated by one poller per job id per client however
 * many components watch it. Polling follows core's progress-aware schedule, pauses while the page is hidden
 * (and asks at once when it shows again), and stops at a terminal state or an error. `id` may be null or
 * undefined: nothing is watched.
 *
 * @example
 * const { status, progress, etaMs, error } = useVideo(id);
 */
export function useVideo(id: string | null | undefined, options: UseVideoOptions = {}): UseVideoResult {
  const client = useSoraClient();
  const state = useVideoState(client, id);
  const controls = useJobControls(client, id, state);
  if (options.suspense && id && !state.video) {
    if (state.error) throw state.error;
    if (typeof window === 'undefined') {
      throw new Error(`useVideo(${id}, { suspense: true }) renders on the client only`);
    }
    throw videoStore(client).nextAnswer(id);
  }
  return { ...state, ...controls };
}
