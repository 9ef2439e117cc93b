import {
  InvalidArgumentError,
  type SharedV4Warning,
  type Experimental_VideoModelV4CallOptions as VideoModelV4CallOptions,
} from '@ai-sdk/provider';
import type { VideoCreateParams } from '@sora-kit/core';
import { pickSeconds } from './duration.js';
import { firstFrame } from './image.js';
import type { SoraVideoModelOptions } from './options.js';
import { dimensions, pickSize } from './size.js';

/** The request `doStart` makes: which endpoint, with what, and what the description of it shows. */
export type StartRequest =
  | { kind: 'create'; params: VideoCreateParams }
  | { kind: 'remix'; id: string; prompt: string }
  | { kind: 'edit'; id: string; prompt: string }
  | { kind: 'extend'; id: string; prompt: string; seconds: NonNullable<VideoCreateParams['seconds']> };

/** A planned start: the request, the warnings, and a description of the body for errors (no image bytes). */
export interface StartPlan {
  request: StartRequest;
  warnings: SharedV4Warning[];
  description: Record<string, unknown>;
}

const unsupported = (feature: string, details: string): SharedV4Warning => ({
  type: 'unsupported',
  feature,
  details,
});

/** The first frame: a `first_frame` image, else `image` (the AI SDK has already merged the two). */
const startImage = (options: VideoModelV4CallOptions) =>
  options.frameImages?.find((frame) => frame.frameType === 'first_frame')?.image ?? options.image;

/** Warnings for the common options Sora has no use for, whatever the kind of start. */
function commonWarnings(options: VideoModelV4CallOptions, warnings: SharedV4Warning[]): void {
  if (options.n > 1) {
    warnings.push(unsupported('n', `Sora makes one video per job; 1 was made, not ${options.n}.`));
  }
  if (options.fps !== undefined) {
    warnings.push(unsupported('fps', 'The /v1/videos API has no frame rate setting; the server chose it.'));
  }
  if (options.seed !== undefined) {
    warnings.push(unsupported('seed', 'The /v1/videos API takes no seed; the result is not reproducible.'));
  }
  if (options.generateAudio !== undefined) {
    warnings.push(
      unsupported(
        'generateAudio',
        'The /v1/videos API has no audio switch: Sora 2 makes its own soundtrack.',
      ),
    );
  }
  if (options.frameImages?.some((frame) => frame.frameType === 'last_frame')) {
    warnings.push(
      unsupported('frameImages', 'Sora takes a first frame only; the last_frame image was ignored.'),
    );
  }
  if (options.inputReferences?.length) {
    warnings.push(
      unsupported(
        'inputReferences',
        'Sora has no reference-to-video; the references were ignored (a first frame goes in `image`).',
      ),
    );
  }
}

/** Warnings for the shape options a remix, edit or extension cannot use: the source decides them. */
function sourceWarnings(
  what: string,
  options: VideoModelV4CallOptions,
  keepsDuration: boolean,
  warnings: SharedV4Warning[],
): void {
  const ignored = (feature: string) =>
    warnings.push(unsupported(feature, `A ${what} keeps the source video's ${feature}; it was ignored.`));
  if (options.resolution !== undefined) ignored('resolution');
  if (options.aspectRatio !== undefined) ignored('aspectRatio');
  if (options.duration !== undefined && keepsDuration) ignored('duration');
  if (startImage(options) !== undefined) {
    warnings.push(unsupported('image', `A ${what} starts from the source video; the image was ignored.`));
  }
}

/**
 * Maps the AI SDK's call options and `providerOptions.sora` to one Sora request, with the AI SDK's
 * `unsupported` warnings for what Sora cannot do and clear errors for what it must not guess (no prompt,
 * a first-frame image whose size is not the video's). Nothing is sent here.
 */
export function planStart(
  modelId: string,
  options: VideoModelV4CallOptions,
  sora: SoraVideoModelOptions,
): StartPlan {
  const warnings: SharedV4Warning[] = [];
  const { prompt } = options;
  if (typeof prompt !== 'string' || !prompt) {
    throw new InvalidArgumentError({
      argument: 'prompt',
      message: 'Sora needs a text prompt (1 to 32 000 characters), with or without a first-frame image.',
    });
  }
  commonWarnings(options, warnings);
  if (sora.remixOf !== undefined) {
    sourceWarnings('remix', options, true, warnings);
    const request = { kind: 'remix', id: sora.remixOf, prompt } as const;
    return { request, warnings, description: { ...request } };
  }
  if (sora.edit !== undefined) {
    sourceWarnings('edit', options, true, warnings);
    const request = { kind: 'edit', id: sora.edit, prompt } as const;
    return { request, warnings, description: { prompt, video: { id: sora.edit } } };
  }
  if (sora.extend !== undefined) {
    sourceWarnings('extension', options, false, warnings);
    // The API requires `seconds` on an extension; without a duration it gets the create default, 4.
    const seconds = pickSeconds(options.duration, warnings) ?? '4';
    const request = { kind: 'extend', id: sora.extend, prompt, seconds } as const;
    return { request, warnings, description: { prompt, seconds, video: { id: sora.extend } } };
  }

  const start = startImage(options);
  const image = start ? firstFrame(start) : undefined;
  const { size, fromImage } = pickSize(
    {
      modelId,
      resolution: options.resolution,
      aspectRatio: options.aspectRatio,
      imageSize: image?.size,
    },
    warnings,
  );
  if (image?.size && size && !fromImage) {
    const [w, h] = dimensions(size);
    if (image.size[0] !== w || image.size[1] !== h) {
      throw new InvalidArgumentError({
        argument: 'image',
        message:
          `The first-frame image is ${image.size[0]}x${image.size[1]}, but the video is ${size}: Sora needs ` +
          `the image to be exactly the video's size. Resize or crop it to ${size} first.`,
      });
    }
  }
  const params: VideoCreateParams = { prompt, model: modelId };
  const seconds = pickSeconds(options.duration, warnings);
  if (seconds !== undefined) params.seconds = seconds;
  if (size !== undefined) params.size = size;
  if (image) params.input_reference = image.reference;
  const description = { ...params, ...(image && { input_reference: image.description }) };
  return { request: { kind: 'create', params }, warnings, description };
}
