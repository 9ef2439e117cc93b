// No 'use client': these build options objects, which server components may use too (to prefetch).
export { createVideoMutationOptions, type VideoMutationOptions } from './create-video-mutation.js';
export { videoQueryKey, videoQueryOptions } from './video-query.js';
export { videosInfiniteQueryOptions } from './videos-infinite-query.js';
