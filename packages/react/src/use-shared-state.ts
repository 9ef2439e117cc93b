'use client';
import { useCallback, useSyncExternalStore } from 'react';

/** A store of entries shared by key (see `shared-entries.ts`), as the hooks read it. */
export interface SharedStore<S> {
  state(key: string): S;
  /** Listens to the entry, and keeps its work running while listening. */
  subscribe(key: string, listener: () => void): () => void;
}

/**
 * The state of `key` in `store`, watched while the component is mounted (which keeps the entry's work
 * running); `none` without a key, and on the server, where nothing runs.
 */
export function useSharedState<S>(store: SharedStore<S>, key: string | null | undefined, none: S): S {
  const subscribe = useCallback(
    (listener: () => void) => (key ? store.subscribe(key, listener) : () => {}),
    [store, key],
  );
  return useSyncExternalStore(
    subscribe,
    () => (key ? store.state(key) : none),
    () => none,
  );
}
