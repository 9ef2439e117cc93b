import { validateVideoId } from '@sora-kit/core';

/** Where `useCreateVideo` keeps the id of the job it follows, so that a reload resumes it. */
export type PersistMode = 'session' | 'local' | false;

// Storage can be missing (server, workers), or throw on access (blocked cookies, some private modes):
// persistence is then silently off, never an error in the UI.
function storage(mode: PersistMode): Storage | undefined {
  if (!mode || typeof window === 'undefined') return undefined;
  try {
    return mode === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The saved id, if there is one and it is a valid video id (anything else is ignored and removed). */
export function readPersistedId(mode: PersistMode, key: string): string | undefined {
  let id: string | null | undefined;
  try {
    id = storage(mode)?.getItem(key);
  } catch {
    return undefined;
  }
  if (id === null || id === undefined) return undefined;
  try {
    validateVideoId(id);
    return id;
  } catch {
    writePersistedId(mode, key, undefined);
    return undefined;
  }
}

/** Saves the id (or removes it, for undefined). */
export function writePersistedId(mode: PersistMode, key: string, id: string | undefined): void {
  const store = storage(mode);
  try {
    if (id === undefined) store?.removeItem(key);
    else store?.setItem(key, id);
  } catch {
    // A full or blocked storage: the job is still followed, only not resumable.
  }
}
