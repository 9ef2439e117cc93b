import {
  APICallError,
  type JSONObject,
  type SharedV4Warning,
  type Experimental_VideoModelV4 as VideoModelV4,
  type Experimental_VideoModelV4OperationStartResult as VideoModelV4OperationStartResult,
  type Experimental_VideoModelV4OperationStatusResult as VideoModelV4OperationStatusResult,
  type Experimental_VideoModelV4VideoData as VideoModelV4VideoData,
} from '@ai-sdk/provider';
import {
  type CreateOptions,
  normalizeStatus,
  PollTimeoutError,
  type SoraClient,
  type Video,
  VideoFailedError,
} from '@sora-kit/core';
import { type CallDescription, toProviderError } from './errors.js';
import { jobMetadata } from './metadata.js';
import { operationFor, parseOperation, parseSoraOptions, type SoraOperation } from './options.js';
import { planStart, type StartRequest } from './start.js';
import { recordingFetch, splitHeaders } from './transport.js';
import type { WebhookRegistry } from './webhook.js';

/**
 * Sora model names: the two known ones; gateways add their own and dated snapshots exist
 * (`sora-2-2025-10-06`), so any string is accepted.
 */
export type SoraVideoModelId = 'sora-2' | 'sora-2-pro' | (string & {});

/** What a model gets from its provider (internal). */
export interface SoraVideoModelConfig {
  /** `sora.video`: the name the AI SDK logs. */
  provider: string;
  /** The provider's one core client (made at the first call, which throws for a missing key). */
  client: () => SoraClient;
  /** The `fetch` under core's, wrapped per call to read answers' headers. */
  fetch: typeof fetch;
  /** Webhook waits, shared by the provider's models. */
  webhooks: WebhookRegistry;
  /** Now, for tests. */
  currentDate?: () => Date;
}

type StartOptions = Parameters<NonNullable<VideoModelV4['doStart']>>[0];
type StatusOptions = Parameters<NonNullable<VideoModelV4['doStatus']>>[0];
type WebhookOptions = Parameters<NonNullable<VideoModelV4['handleWebhookOption']>>[0];

/** The media type of each download variant, for a link (whose answer the AI SDK reads later). */
const MEDIA_TYPES = new Map([
  ['video', 'video/mp4'],
  ['thumbnail', 'image/webp'],
  ['spritesheet', 'image/jpeg'],
]);

/**
 * Sora 2 on the OpenAI-compatible `/v1/videos` API, as an AI SDK `VideoModelV4`: `doStart` creates the job
 * (or a remix, edit or extension) and `doStatus` checks it, so `experimental_generateVideo`,
 * `experimental_startVideo` and `experimental_getVideoStatus` all work. Every request goes through
 * @sora-kit/core, with `maxRetries: 0`: the AI SDK's own `maxRetries` decides, on the `APICallError`s this
 * model throws, and the idempotency key the AI SDK mints for a start reaches the server on every retry.
 */
export class SoraVideoModel implements VideoModelV4 {
  readonly specificationVersion = 'v4';
  /** One video per job: the AI SDK starts `n` jobs for `n` videos. */
  readonly maxVideosPerCall = 1;

  constructor(
    readonly modelId: SoraVideoModelId,
    private readonly config: SoraVideoModelConfig,
  ) {}

  get provider(): string {
    return this.config.provider;
  }

  /**
   * The AI SDK's `webhook` option: the gateway's Standard Webhooks deliveries, verified with the provider's
   * `webhookSecret`, end the wait for this job instead of polling (see `createWebhookRegistry`).
   */
  async handleWebhookOption(options: WebhookOptions) {
    return this.config.webhooks.register(options.webhook);
  }

  async doStart(options: StartOptions): Promise<VideoModelV4OperationStartResult> {
    const timestamp = this.config.currentDate?.() ?? new Date();
    const webhook = this.config.webhooks.claim(options.webhookUrl);
    try {
      const sora = parseSoraOptions(options.providerOptions?.sora);
      const plan = planStart(this.modelId, options, sora);
      const { warnings } = plan;
      if (options.webhookUrl !== undefined && !webhook.ours) {
        warnings.push({
          type: 'unsupported',
          feature: 'webhookUrl',
          details:
            'The /v1/videos API takes no webhook URL per job: configure the endpoint at your gateway, which ' +
            'then sends video.completed / video.failed events there for every job (verify them with ' +
            'verifyWebhook from @sora-kit/core).',
        });
      }
      const { headers, idempotencyKey } = splitHeaders(options.headers);
      const recorder = recordingFetch(this.config.fetch);
      const call: CreateOptions = {
        signal: options.abortSignal,
        headers,
        idempotencyKey,
        maxRetries: 0,
        fetch: recorder.fetch,
      };
      const client = this.config.client();
      const describe = (path: string): CallDescription => ({
        url: `${client.baseUrl}${path}`,
        requestBodyValues: plan.description,
        abortSignal: options.abortSignal,
      });
      const characters = await this.lookUpCharacters(
        client,
        sora.characters,
        call,
        options.prompt ?? '',
        warnings,
      );
      let video: Video;
      try {
        video = await this.send(client, plan.request, call);
      } catch (error) {
        throw toProviderError(error, describe(pathOf(plan.request)));
      }
      webhook.settle?.resolve(video.id);
      const metadata = jobMetadata(video);
      if (characters) metadata.characters = characters;
      return {
        operation: operationFor(video.id, sora),
        warnings,
        providerMetadata: { sora: metadata },
        response: { timestamp, modelId: this.modelId, headers: recorder.headers() },
      };
    } catch (error) {
      // A retryable failure is followed by the AI SDK's retry of this start, with the same webhook URL.
      if (!(APICallError.isInstance(error) && error.isRetryable)) webhook.settle?.reject(error);
      throw error;
    }
  }

  async doStatus(options: StatusOptions): Promise<VideoModelV4OperationStatusResult> {
    const timestamp = this.config.currentDate?.() ?? new Date();
    const operation = parseOperation(options.operation);
    const { headers } = splitHeaders(options.headers);
    const recorder = recordingFetch(this.config.fetch);
    const client = this.config.client();
    const call = { signal: options.abortSignal, headers, maxRetries: 0, fetch: recorder.fetch };
    const describe = (path: string): CallDescription => ({
      url: `${client.baseUrl}${path}`,
      requestBodyValues: undefined,
      abortSignal: options.abortSignal,
    });
    let video: Video;
    try {
      video = await this.check(client, operation, call);
    } catch (error) {
      throw toProviderError(error, describe(`/v1/videos/${operation.id}`));
    }
    const response = () => ({ timestamp, modelId: this.modelId, headers: recorder.headers() });
    const status = normalizeStatus(video.status);
    const metadata = jobMetadata(video);
    if (status === 'failed' || status === 'expired') {
      const reason = video.error?.message ?? (status === 'expired' ? 'the job expired' : 'no reason given');
      const code = video.error?.code ?? status;
      return {
        status: 'error',
        error: `Sora video ${video.id} ${status}: ${reason} (${code})`,
        providerMetadata: { sora: metadata },
        response: response(),
      };
    }
    if (status !== 'completed')
      return { status: 'pending', providerMetadata: { sora: metadata }, response: response() };
    let content: { video: VideoModelV4VideoData; headers: Record<string, string> | undefined };
    try {
      content = await this.download(client, operation, call);
    } catch (error) {
      throw toProviderError(error, describe(`/v1/videos/${operation.id}/content`));
    }
    return {
      status: 'completed',
      videos: [content.video],
      warnings: [],
      providerMetadata: { sora: metadata },
      response: { timestamp, modelId: this.modelId, headers: content.headers },
    };
  }

  /** Sends the planned start through core (which validates it and adds the idempotency key). */
  private send(client: SoraClient, request: StartRequest, call: CreateOptions): Promise<Video> {
    switch (request.kind) {
      case 'create':
        return client.videos.create(request.params, call);
      case 'remix':
        return client.videos.remix(request.id, { prompt: request.prompt }, call);
      case 'edit':
        return client.videos.edit({ prompt: request.prompt, video: { id: request.id } }, call);
      case 'extend':
        return client.videos.extend(
          {
            prompt: request.prompt,
            video: { id: request.id },
            seconds: request.seconds,
          },
          call,
        );
    }
  }

  /**
   * The job now: one request, or (with `poll.waitMs`) core's poller watching it for up to that long, which
   * returns the moment it ends.
   */
  private async check(client: SoraClient, operation: SoraOperation, call: CreateOptions): Promise<Video> {
    const poll = operation.poll;
    if (!poll?.waitMs) return client.videos.retrieve(operation.id, call);
    try {
      return await client.videos.poll(operation.id, {
        ...call,
        timeout: poll.waitMs,
        minIntervalMs: poll.minIntervalMs,
        maxIntervalMs: poll.maxIntervalMs,
      });
    } catch (error) {
      // Both carry the job as last seen: still running, or ended without a video.
      if (PollTimeoutError.isInstance(error) || VideoFailedError.isInstance(error)) return error.video;
      throw error;
    }
  }

  /**
   * The finished asset: the gateway's temporary link as a URL when it answers with one (unless
   * `download: 'bytes'`), else the bytes, read through core.
   */
  private async download(
    client: SoraClient,
    operation: SoraOperation,
    call: CreateOptions,
  ): Promise<{ video: VideoModelV4VideoData; headers: Record<string, string> | undefined }> {
    const variant = operation.variant ?? 'video';
    const mediaType = MEDIA_TYPES.get(variant) ?? 'video/mp4';
    const recorder = recordingFetch(this.config.fetch);
    const options = { ...call, variant, fetch: recorder.fetch };
    let response: Response;
    if (operation.download === 'bytes') {
      response = await client.videos.downloadContent(operation.id, options);
    } else {
      // One request; a gateway's link comes back unfollowed (checked by core), for the AI SDK to download.
      const answer = await client.videos.contentLink(operation.id, options);
      if (answer.link) {
        return { video: { type: 'url', url: answer.link.url, mediaType }, headers: recorder.headers() };
      }
      response = answer.response;
    }
    const data = new Uint8Array(await response.arrayBuffer());
    const type = response.headers.get('content-type')?.split(';')[0]?.trim();
    return {
      video: {
        type: 'binary',
        data,
        mediaType: type && type !== 'application/octet-stream' ? type : mediaType,
      },
      headers: recorder.headers(),
    };
  }

  /** Looks each character up before the paid request, and warns about one the prompt does not name. */
  private async lookUpCharacters(
    client: SoraClient,
    ids: string[] | undefined,
    call: CreateOptions,
    prompt: string,
    warnings: SharedV4Warning[],
  ): Promise<JSONObject[] | undefined> {
    if (!ids?.length) return undefined;
    const found: JSONObject[] = [];
    for (const id of ids) {
      let name: string;
      try {
        const { idempotencyKey: _, ...lookup } = call;
        ({ name } = await client.videos.getCharacter(id, lookup));
      } catch (error) {
        throw toProviderError(error, {
          url: `${client.baseUrl}/v1/videos/characters/${id}`,
          requestBodyValues: undefined,
          abortSignal: call.signal,
        });
      }
      found.push({ id, name });
      if (!prompt.toLowerCase().includes(name.toLowerCase())) {
        warnings.push({
          type: 'other',
          message: `Character ${id} is called '${name}', a name the prompt does not use: Sora finds characters by name.`,
        });
      }
    }
    return found;
  }
}

/** The path of a start request, for error reports. */
function pathOf(request: StartRequest): string {
  switch (request.kind) {
    case 'create':
      return '/v1/videos';
    case 'remix':
      return `/v1/videos/${request.id}/remix`;
    case 'edit':
      return '/v1/videos/edits';
    case 'extend':
      return '/v1/videos/extensions';
  }
}
