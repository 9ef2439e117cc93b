import type { SoraClient, VideoContentVariant } from '@sora-kit/core';
import { perClient } from './per-client.js';
import { type Entry, sharedEntries } from './shared-entries.js';
import type { SharedStore } from './use-shared-state.js';

/** A downloaded medium: its object URL once the bytes are in, or the error that stopped the download. */
export interface ContentState {
  readonly src: string | undefined;
  readonly error: Error | undefined;
}

interface Download extends Entry<ContentState> {
  abort?: AbortController | undefined;
}

/** No medium (yet): one object, so snapshots compare equal. */
export const IDLE: ContentState = Object.freeze({ src: undefined, error: undefined });

/**
 * Object URLs of downloaded media, one download per job and variant (keyed by {@link contentKey}) however
 * many players show it.
 */
export type ContentStore = SharedStore<ContentState>;

/** The content store of `client` (one per client). */
export const contentStore: (client: SoraClient) => ContentStore = perClient((client) =>
  createContentStore(client),
);

/** The key of a job's medium in the content store. */
export const contentKey = (id: string, variant: VideoContentVariant) => `${variant}:${id}`;

function createContentStore(client: SoraClient): ContentStore {
  const media = sharedEntries<ContentState, Download>(
    () => ({ state: IDLE, listeners: new Set(), holds: 0 }),
    (key, entry) => {
      if (entry.abort) return; // still downloading (or done) since StrictMode's remount
      const [variant, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      const abort = new AbortController();
      entry.abort = abort;
      client.videos
        .downloadContent(id, { variant: variant as VideoContentVariant, signal: abort.signal })
        .then((response) => response.blob())
        .then(
          (blob) => {
            if (entry.abort === abort) media.set(entry, { src: URL.createObjectURL(blob), error: undefined });
          },
          (error: Error) => {
            if (entry.abort === abort) media.set(entry, { src: undefined, error });
          },
        );
    },
    // The last player went away: stop the download, or free the bytes the object URL holds.
    (_, entry) => {
      entry.abort?.abort();
      entry.abort = undefined;
      if (entry.state.src) URL.revokeObjectURL(entry.state.src);
      media.set(entry, IDLE);
    },
  );
  return { state: (key) => media.get(key).state, subscribe: media.subscribe };
}
