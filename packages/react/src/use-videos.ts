'use client';
import type { Video, VideoListParams, VideoPage } from '@sora-kit/core';
import { useCallback, useMemo } from 'react';
import { listKey, listStore, NO_PAGES } from './list-store.js';
import { useSoraClient } from './provider.js';
import { useSharedState } from './use-shared-state.js';

/** What {@link useVideos} returns. */
export interface UseVideosResult {
  /** Every job of the pages loaded so far, in the list's order. */
  videos: Video[];
  /** The pages loaded so far. */
  pages: readonly VideoPage[];
  /** The first page is being fetched. */
  isLoading: boolean;
  /** A page is being fetched (the first, the next, or a refresh). */
  isFetching: boolean;
  /** Another page follows the last one loaded. */
  hasNextPage: boolean;
  /** Fetches the next page (nothing while a fetch is under way or at the end). */
  fetchNextPage: () => void;
  /** Reloads from the first page. */
  refresh: () => void;
  /** Why the last fetch failed: a core error class. */
  error: Error | undefined;
}

/**
 * The user's jobs, page by page (`GET /v1/videos`), shared by every component showing the same query.
 *
 * @example
 * const { videos, hasNextPage, fetchNextPage } = useVideos({ limit: 20 });
 */
export function useVideos(params: VideoListParams = {}): UseVideosResult {
  const client = useSoraClient();
  const store = listStore(client);
  const key = listKey(params);
  const state = useSharedState(store, key, NO_PAGES);
  const fetchNextPage = useCallback(() => store.fetchNextPage(key), [store, key]);
  const refresh = useCallback(() => store.refresh(key), [store, key]);
  const videos = useMemo(() => state.pages.flatMap((page) => page.data), [state.pages]);
  return {
    videos,
    pages: state.pages,
    isLoading: !state.pages.length && !state.error,
    isFetching: state.isFetching,
    hasNextPage: !!state.pages.at(-1)?.hasNextPage(),
    fetchNextPage,
    refresh,
    error: state.error,
  };
}
