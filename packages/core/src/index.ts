export { createSoraClient, type SoraClient } from './client.js';
export type { ContentLinkAnswer, DownloadContentOptions } from './content.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  PollTimeoutError,
  RateLimitError,
  SoraError,
  UnprocessableEntityError,
  ValidationError,
  VideoFailedError,
} from './errors.js';
export type {
  Character,
  CharacterId,
  CreateCharacterBody,
  CreateVideoBody,
  CreateVideoMultipartBody,
  components,
  DeletedVideo,
  EditVideoBody,
  ErrorResponse,
  ExtendVideoBody,
  ImageReference,
  KnownVideoStatus,
  ListOrder,
  operations,
  paths,
  RemixVideoBody,
  Video,
  VideoCompletedEvent,
  VideoContentLink,
  VideoContentVariant,
  VideoDuration,
  VideoError,
  VideoFailedEvent,
  VideoId,
  VideoList,
  VideoModel,
  VideoReference,
  VideoSeconds,
  VideoSize,
  VideoStatus,
  webhooks,
} from './generated/openapi.js';
export {
  checkLink,
  isPrivateHost,
  type PrivateLinkPolicy,
  UnsafeLinkError,
} from './link-safety.js';
export { type CreateOptions, type RequestOptions, readEnv, type SoraClientOptions } from './options.js';
export type { VideoPage, VideoPager } from './pagination.js';
export type { Clock, PollOptions, PollProgress } from './poll.js';
export { createPollSchedule, type PollSample, type PollScheduleOptions } from './poll-schedule.js';
export { createRawClient, type RawClient, type RawClientOptions } from './raw-client.js';
export { createRedactor, REDACTED, type Redactor, redact } from './redact.js';
export { retryAfterMs } from './retry-after.js';
export { type NormalizedStatus, normalizeStatus, normalizeVideo } from './status.js';
export {
  checkId,
  checkListQuery,
  sizesForModel,
  validateCreateParams,
  validatePrompt,
  validateVariant,
  validateVideoId,
} from './validation.js';
export type {
  CharacterCreateParams,
  KnownModel,
  VideoCreateParams,
  VideoEditParams,
  VideoExtendParams,
  VideoListParams,
  VideoRemixParams,
  Videos,
} from './videos.js';
export {
  createWebhookDeduper,
  type DeliveryOutcome,
  type DeliveryState,
  memoryDedupeStore,
  type WebhookDeduper,
  type WebhookDeduperOptions,
  type WebhookDedupeStore,
} from './webhook-dedupe.js';
export {
  type VerifyWebhookOptions,
  type VideoWebhookEvent,
  verifyWebhook,
  WebhookVerificationError,
} from './webhooks.js';
