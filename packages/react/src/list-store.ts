import type { SoraClient, VideoListParams, VideoPage } from '@sora-kit/core';
import { perClient } from './per-client.js';
import { type Entry, sharedEntries } from './shared-entries.js';

/** The pages of one list loaded so far. */
export interface ListState {
  readonly pages: readonly VideoPage[];
  /** A page is being fetched (the first, or the next). */
  readonly isFetching: boolean;
  readonly error: Error | undefined;
}

interface List extends Entry<ListState> {
  /** The fetch under way, if any. */
  abort?: AbortController | undefined;
}

export const NO_PAGES: ListState = Object.freeze({ pages: [], isFetching: false, error: undefined });

/** Lists of a client's jobs, one per distinct query, shared by the components showing it. */
export interface ListStore {
  state(key: string): ListState;
  subscribe(key: string, listener: () => void): () => void;
  /** Fetches the page after the last one loaded. */
  fetchNextPage(key: string): void;
  /** Starts again from the first page. */
  refresh(key: string): void;
}

/** The list store of `client` (one per client). Keys are `listKey(params)`. */
export const listStore: (client: SoraClient) => ListStore = perClient(createListStore);

/** A stable key of list parameters (their order does not matter). */
export const listKey = (params: VideoListParams = {}): string =>
  JSON.stringify([params.after ?? null, params.limit ?? null, params.order ?? null]);

function createListStore(client: SoraClient): ListStore {
  const lists = sharedEntries<ListState, List>(
    () => ({ state: NO_PAGES, listeners: new Set(), holds: 0 }),
    (key, list) => {
      if (!list.state.pages.length && !list.abort) load(key, list, true);
    },
    (_, list) => {
      list.abort?.abort();
      list.abort = undefined;
      lists.set(list, NO_PAGES); // shown again later: fetched afresh
    },
  );

  function load(key: string, list: List, first: boolean) {
    list.abort?.abort();
    const abort = new AbortController();
    list.abort = abort;
    const [after, limit, order] = JSON.parse(key) as [string | null, number | null, 'asc' | 'desc' | null];
    const cursor = first ? after : (list.state.pages.at(-1)?.last_id ?? null);
    const query = { after: cursor ?? undefined, limit: limit ?? undefined, order: order ?? undefined };
    const page = Promise.resolve(client.videos.list(query, { signal: abort.signal }));
    lists.set(list, { ...list.state, isFetching: true, error: undefined });
    page.then(
      (p) => {
        if (list.abort !== abort) return;
        list.abort = undefined;
        lists.set(list, {
          pages: first ? [p] : [...list.state.pages, p],
          isFetching: false,
          error: undefined,
        });
      },
      (error: Error) => {
        if (list.abort !== abort) return;
        list.abort = undefined;
        lists.set(list, { ...list.state, isFetching: false, error });
      },
    );
  }

  return {
    state: (key) => lists.get(key).state,
    subscribe: lists.subscribe,
    fetchNextPage(key) {
      const list = lists.get(key);
      const last = list.state.pages.at(-1);
      if (!list.abort && last?.hasNextPage()) load(key, list, false);
    },
    refresh: (key) => load(key, lists.get(key), true),
  };
}
