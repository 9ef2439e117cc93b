/**
 * Media the emulator serves for completed jobs, generated in plain TypeScript (typed arrays and
 * DataView only: no ffmpeg, no native code, no Node `Buffer`), so it also runs in edge runtimes.
 */
export {
  DEFAULT_FPS,
  MAX_RENDER_SECONDS,
  type RenderSpritesheetOptions,
  type RenderThumbnailOptions,
  type RenderVideoOptions,
  renderSpritesheet,
  renderThumbnail,
  renderVideo,
  spritesheetGrid,
} from './render.js';

/** Content types of the three `variant`s of `GET /v1/videos/{video_id}/content`. */
export const MEDIA_TYPES = {
  video: 'video/mp4',
  thumbnail: 'image/webp',
  spritesheet: 'image/jpeg',
} as const;

/** A content variant: `video`, `thumbnail` or `spritesheet`. */
export type MediaVariant = keyof typeof MEDIA_TYPES;
