import {
  LoadAPIKeyError,
  LoadSettingError,
  NoSuchModelError,
  type ProviderV4,
  type Experimental_VideoModelV4 as VideoModelV4,
} from '@ai-sdk/provider';
import { createSoraClient, readEnv, type SoraClient } from '@sora-kit/core';
import { SoraVideoModel, type SoraVideoModelId } from './sora-video-model.js';
import { createWebhookRegistry } from './webhook.js';

/** Options of {@link createSora}. */
export interface SoraProviderSettings {
  /**
   * The API key, sent as `Authorization: Bearer <key>` to `baseURL` only (never to a gateway's download
   * link). Default: the `SORA_API_KEY` environment variable. `null` sends none (behind a proxy that adds it).
   */
  apiKey?: string | null;
  /**
   * The gateway's origin; a trailing `/v1` is accepted and dropped. Default: the `SORA_BASE_URL` environment
   * variable, else `https://api.gpt.ge` (as @sora-kit/core).
   */
  baseURL?: string;
  /** Headers added to every API request (not to download links). */
  headers?: Record<string, string>;
  /** A `fetch` of your own (a proxy agent, a test server, a runtime's). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * The secret (`whsec_…`) the gateway signs its webhook deliveries with, for the AI SDK's `webhook` option.
   * Default: the `SORA_WEBHOOK_SECRET` environment variable. Needed only when you pass `webhook`.
   */
  webhookSecret?: string;
}

/** The Sora provider: `sora.video('sora-2')` is a video model for the AI SDK. */
export interface SoraProvider extends ProviderV4 {
  /** A video model: `sora-2`, `sora-2-pro`, a dated snapshot or a gateway's own name. */
  (modelId: SoraVideoModelId): VideoModelV4;
  /** A video model: `sora-2`, `sora-2-pro`, a dated snapshot or a gateway's own name. */
  video(modelId: SoraVideoModelId): VideoModelV4;
  /** The same as {@link SoraProvider.video}, by the AI SDK's provider-registry name. */
  videoModel(modelId: SoraVideoModelId): VideoModelV4;
}

/**
 * Makes a Sora provider for the AI SDK's video functions, on any OpenAI-compatible `/v1/videos` gateway.
 * It holds one @sora-kit/core client, made at its first request (so the environment is read then, and a
 * missing key is an error then, not at import).
 *
 * @example
 * const sora = createSora({ baseURL: 'https://api.gpt.ge' }); // SORA_API_KEY
 * const { video } = await experimental_generateVideo({ model: sora.video('sora-2'), prompt: 'a tiger' });
 */
export function createSora(settings: SoraProviderSettings = {}): SoraProvider {
  const baseFetch: typeof fetch = settings.fetch ?? ((input, init) => fetch(input, init));
  let client: SoraClient | undefined;
  const getClient = (): SoraClient => {
    if (!client) {
      const apiKey = settings.apiKey === undefined ? readEnv('SORA_API_KEY') : settings.apiKey;
      if (apiKey === undefined || apiKey === '') {
        throw new LoadAPIKeyError({
          message:
            "Sora API key is missing. Pass it using the 'apiKey' parameter of createSora() or the SORA_API_KEY " +
            'environment variable (apiKey: null sends none, e.g. behind a proxy that adds it).',
        });
      }
      client = createSoraClient({
        apiKey,
        baseUrl: settings.baseURL,
        headers: settings.headers,
        fetch: baseFetch,
        maxRetries: 0,
      });
    }
    return client;
  };
  const webhooks = createWebhookRegistry(() => {
    const secret = settings.webhookSecret ?? readEnv('SORA_WEBHOOK_SECRET');
    if (!secret) {
      throw new LoadSettingError({
        message:
          "The webhook option needs the gateway's signing secret: pass 'webhookSecret' to createSora() or set " +
          'SORA_WEBHOOK_SECRET (whsec_…). Without it no delivery can be verified.',
      });
    }
    return secret;
  });
  const video = (modelId: SoraVideoModelId) =>
    new SoraVideoModel(modelId, { provider: 'sora.video', client: getClient, fetch: baseFetch, webhooks });
  const noSuchModel =
    (modelType: 'languageModel' | 'embeddingModel' | 'imageModel') =>
    (modelId: string): never => {
      throw new NoSuchModelError({
        modelId,
        modelType,
        message: `Sora makes videos only: no ${modelType} '${modelId}'.`,
      });
    };
  return Object.assign((modelId: SoraVideoModelId) => video(modelId), {
    specificationVersion: 'v4' as const,
    video,
    videoModel: video,
    languageModel: noSuchModel('languageModel'),
    embeddingModel: noSuchModel('embeddingModel'),
    imageModel: noSuchModel('imageModel'),
  });
}

/**
 * The default provider: `SORA_API_KEY`, and `SORA_BASE_URL` else `https://api.gpt.ge`, read at its first
 * request.
 */
export const sora: SoraProvider = /* @__PURE__ */ createSora();
