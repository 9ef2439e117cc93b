'use client';
// Every export is for client components: the hooks need state and effects. (The TanStack Query helpers of
// `@sora-kit/react/query` are plain functions, usable on the server too.)
export { describeError, describeFailure, type ErrorDescription } from './describe-error.js';
export type { PersistMode } from './persisted-id.js';
export { SoraProvider, type SoraProviderProps, useSoraClient } from './provider.js';
export {
  type CancelOptions,
  type UseCreateVideoOptions,
  type UseCreateVideoResult,
  useCreateVideo,
} from './use-create-video.js';
export { type UseVideoOptions, type UseVideoResult, useVideo } from './use-video.js';
export {
  type UseVideoContentOptions,
  type UseVideoContentResult,
  useVideoContent,
} from './use-video-content.js';
export { type UseVideosResult, useVideos } from './use-videos.js';
export type { VideoState } from './video-state.js';
