'use client';
import { APIUserAbortError, type Video, type VideoCreateParams } from '@sora-kit/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type PersistMode, readPersistedId, writePersistedId } from './persisted-id.js';
import { useSoraClient } from './provider.js';
import { type UseVideoResult, useJobControls, useVideoState } from './use-video.js';
import { isTerminal } from './video-state.js';
import { videoStore } from './video-store.js';

/** Options of {@link useCreateVideo}. */
export interface UseCreateVideoOptions {
  /**
   * Save the id of the job being followed in `sessionStorage` (`'session'`) or `localStorage` (`'local'`),
   * so that a reload resumes following it instead of losing it. Cleared at a terminal state, `reset` and
   * `cancel`. Default: false.
   */
  persist?: PersistMode | undefined;
  /** The storage key (give each `useCreateVideo` of a page its own). Default: `'sora-kit:video'`. */
  persistKey?: string | undefined;
}

/** Options of `cancel`. */
export interface CancelOptions {
  /** Also delete the job on the server (`DELETE /v1/videos/{id}`); a job still being created is deleted when its id arrives. Default: false. */
  delete?: boolean | undefined;
}

/** What {@link useCreateVideo} returns. */
export interface UseCreateVideoResult extends Omit<UseVideoResult, 'isPending' | 'refresh'> {
  /**
   * Starts a job (with its own `Idempotency-Key`, so a retried request never makes a second one), then
   * follows it. Resolves with the new job (`queued`); its progress then arrives in `status`, `progress`, ….
   * While a create is under way, calling it again (a double click, StrictMode) returns the same promise:
   * one job. The previous job is forgotten at once (not stopped on the server): its state and error are
   * gone. Errors also land in `error`, so the promise may be ignored; `describeError` puts them in words.
   */
  create: (params: VideoCreateParams) => Promise<Video>;
  /** The create request is under way. */
  isCreating: boolean;
  /** A job is being created or followed and has not ended. */
  isPending: boolean;
  /** Forgets the job (and any error): back to idle. The job itself keeps running on the server. */
  reset: () => void;
  /**
   * Stops following the job; with `{ delete: true }` also deletes it on the server, which stops it there.
   * A create under way then rejects with `APIUserAbortError`.
   */
  cancel: (options?: CancelOptions) => Promise<void>;
}

interface Creation {
  promise: Promise<Video>;
  /** Set by `cancel` / `reset` while the request is under way: the job is not followed (and maybe deleted). */
  dropped?: { delete: boolean };
}

/**
 * Creates a video job and follows it like {@link useVideo}. Exactly one job per `create` call, whatever
 * StrictMode, re-renders or a double click do; with `persist`, a reload resumes following the job.
 *
 * @example
 * const { create, status, progress, isCreating } = useCreateVideo({ persist: 'session' });
 * <button disabled={isCreating} onClick={() => create({ prompt, seconds: '8' })}>Generate</button>
 */
export function useCreateVideo(options: UseCreateVideoOptions = {}): UseCreateVideoResult {
  const client = useSoraClient();
  const { persist = false, persistKey = 'sora-kit:video' } = options;
  const [id, setId] = useState<string | undefined>();
  const [isCreating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<Error | undefined>();
  const creation = useRef<Creation | undefined>(undefined);
  const state = useVideoState(client, id);
  const controls = useJobControls(client, id, state);

  // Resume a saved job after the first render (which must match the server's, where there is no storage).
  useEffect(() => {
    const saved = readPersistedId(persist, persistKey);
    if (saved) setId((current) => current ?? saved);
  }, [persist, persistKey]);

  const ended = isTerminal(state.status) || state.error?.name === 'NotFoundError';
  useEffect(() => {
    if (id && ended) writePersistedId(persist, persistKey, undefined);
  }, [id, ended, persist, persistKey]);

  const follow = useCallback(
    (next: string | undefined) => {
      writePersistedId(persist, persistKey, next);
      setId(next);
    },
    [persist, persistKey],
  );

  const create = useCallback(
    (params: VideoCreateParams) => {
      if (creation.current) return creation.current.promise;
      const current: Creation = {
        promise: client.videos.create(params).then(
          (video) => {
            if (creation.current === current) creation.current = undefined;
            if (current.dropped) {
              if (current.dropped.delete) client.videos.delete(video.id).catch(() => {});
              throw new APIUserAbortError();
            }
            videoStore(client).seed(video);
            follow(video.id);
            setCreating(false);
            return video;
          },
          (error: Error) => {
            if (creation.current === current) creation.current = undefined;
            if (!current.dropped) {
              setCreateError(error);
              setCreating(false);
            }
            throw error;
          },
        ),
      };
      current.promise.catch(() => {}); // the error is in `error`; an ignored promise is not an unhandled one
      creation.current = current;
      // A new job starts from nothing: the previous one's status, id, progress and error are gone, so a
      // refused create shows only its own error.
      follow(undefined);
      setCreateError(undefined);
      setCreating(true);
      return current.promise;
    },
    [client, follow],
  );

  const drop = useCallback(
    (remove: boolean) => {
      if (creation.current) creation.current.dropped = { delete: remove };
      creation.current = undefined;
      setCreating(false);
      setCreateError(undefined);
      follow(undefined);
    },
    [follow],
  );

  const reset = useCallback(() => drop(false), [drop]);

  const cancel = useCallback(
    async (cancelOptions: CancelOptions = {}) => {
      const remove = !!cancelOptions.delete;
      drop(remove);
      if (remove && id) await client.videos.delete(id);
    },
    [client, drop, id],
  );

  return {
    ...state,
    error: createError ?? state.error,
    isDone: controls.isDone,
    isPending: isCreating || controls.isPending,
    isCreating,
    create,
    reset,
    cancel,
  };
}
