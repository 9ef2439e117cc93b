import { InvalidArgumentError, type SharedV4Warning } from '@ai-sdk/provider';
import { sizesForModel, type VideoSize } from '@sora-kit/core';

/** Width and height of a `WxH` size. */
export function dimensions(size: string): [number, number] {
  const [w, h] = size.split('x').map(Number);
  return [w!, h!];
}

function parseResolution(resolution: string): [number, number] {
  const match = /^(\d+)x(\d+)$/.exec(resolution);
  const w = Number(match?.[1]);
  const h = Number(match?.[2]);
  if (!match || !w || !h) {
    throw new InvalidArgumentError({
      argument: 'resolution',
      message: `Invalid value for 'resolution': '${resolution}'. Allowed: '{width}x{height}' in pixels, e.g. '1280x720'.`,
    });
  }
  return [w, h];
}

function parseAspectRatio(aspectRatio: string): number {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio);
  const ratio = Number(match?.[1]) / Number(match?.[2]);
  if (!match || !Number.isFinite(ratio) || ratio <= 0) {
    throw new InvalidArgumentError({
      argument: 'aspectRatio',
      message: `Invalid value for 'aspectRatio': '${aspectRatio}'. Allowed: '{width}:{height}', e.g. '16:9', or 'adaptive'.`,
    });
  }
  return ratio;
}

const ratioOf = (size: VideoSize) => {
  const [w, h] = dimensions(size);
  return w / h;
};
const sameRatio = (a: number, b: number) => Math.abs(Math.log(a / b)) < 1e-9;

/**
 * The allowed size nearest to a wish. The shape counts four times as much as the pixel count (both on a log
 * scale): 1920x1080 on `sora-2-pro` is 1792x1024 (almost the same shape, closer in pixels), never a
 * portrait size. Ties go to the earlier size in the list, the server's default first.
 */
function nearest(sizes: readonly VideoSize[], ratio: number, pixels: number | undefined): VideoSize {
  let best = sizes[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const size of sizes) {
    const [w, h] = dimensions(size);
    const distance =
      4 * Math.abs(Math.log(ratio / (w / h))) + (pixels ? Math.abs(Math.log(pixels / (w * h))) : 0);
    if (distance < bestDistance - 1e-12) {
      best = size;
      bestDistance = distance;
    }
  }
  return best;
}

/** What {@link pickSize} decided. */
export interface SizeChoice {
  /** The size to send, or undefined for the server's default (`720x1280`). */
  size: VideoSize | undefined;
  /** Set when the size was taken from the first-frame image (`adaptive`, or no wish at all). */
  fromImage: boolean;
}

/**
 * Maps the AI SDK's `resolution` (`WxH`) and `aspectRatio` (`W:H` or `adaptive`) to a size the model renders:
 * an exact match silently, otherwise the nearest one with an `unsupported` warning naming what was used.
 * `resolution` wins over `aspectRatio`. With neither (or `adaptive`), a first-frame image of an allowed size
 * decides, since Sora needs the image and the video to be the same size.
 */
export function pickSize(
  options: {
    modelId: string;
    resolution: string | undefined;
    aspectRatio: string | undefined;
    imageSize: [number, number] | undefined;
  },
  warnings: SharedV4Warning[],
): SizeChoice {
  const { modelId, resolution, aspectRatio, imageSize } = options;
  // Core's rule (the 1792 sizes need sora-2-pro), the server's default first so that ties go to it.
  const sizes = sizesForModel(modelId);
  const allowed = sizes.join(', ');
  if (resolution !== undefined) {
    const [w, h] = parseResolution(resolution);
    const size = nearest(sizes, w / h, w * h);
    if (size !== resolution) {
      warnings.push({
        type: 'unsupported',
        feature: 'resolution',
        details: `${modelId} renders ${allowed}; used ${size}, the nearest to ${resolution}.`,
      });
    }
    if (aspectRatio !== undefined && aspectRatio !== 'adaptive') {
      const ratio = parseAspectRatio(aspectRatio);
      if (!sameRatio(ratio, ratioOf(size))) {
        warnings.push({
          type: 'unsupported',
          feature: 'aspectRatio',
          details: `aspectRatio ${aspectRatio} was ignored: resolution decides the size (${size}).`,
        });
      }
    }
    return { size, fromImage: false };
  }
  if (aspectRatio !== undefined && aspectRatio !== 'adaptive') {
    const ratio = parseAspectRatio(aspectRatio);
    const size = nearest(sizes, ratio, undefined);
    if (!sameRatio(ratio, ratioOf(size))) {
      warnings.push({
        type: 'unsupported',
        feature: 'aspectRatio',
        details: `${modelId} renders ${allowed}; used ${size}, the nearest to ${aspectRatio}.`,
      });
    }
    return { size, fromImage: false };
  }
  if (imageSize) {
    const size = `${imageSize[0]}x${imageSize[1]}`;
    if (!(sizes as readonly string[]).includes(size)) {
      throw new InvalidArgumentError({
        argument: 'image',
        message:
          `The first-frame image is ${size}, but ${modelId} needs an image of exactly the video's size: ` +
          `one of ${allowed}. Resize or crop it to one of them first.`,
      });
    }
    return { size: size as VideoSize, fromImage: true };
  }
  if (aspectRatio === 'adaptive') {
    warnings.push({
      type: 'unsupported',
      feature: 'aspectRatio',
      details: `aspectRatio 'adaptive' needs a first-frame image whose size can be read; used the server's default size.`,
    });
  }
  return { size: undefined, fromImage: false };
}
