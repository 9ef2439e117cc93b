import {
  InvalidArgumentError,
  type Experimental_VideoModelV4File as VideoModelV4File,
} from '@ai-sdk/provider';
import type { ImageReference } from '@sora-kit/core';
import { imageSize } from 'image-size';

/** The image types Sora takes as a first frame, by image-size's type names. */
const MEDIA_TYPES = new Map([
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['webp', 'image/webp'],
]);

/** A first-frame image as core sends it, and its size when it could be read. */
export interface FirstFrame {
  /** A `Blob` (sent as a multipart upload, which gateways accept most widely) or `{ image_url }`. */
  reference: Blob | ImageReference;
  /** Width and height, read from the file's header; undefined for a URL (the server checks it). */
  size: [number, number] | undefined;
  /** What the request's description shows instead of the bytes (errors carry no image data). */
  description: string;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    throw new InvalidArgumentError({ argument: 'image', message: 'The image data is not valid base64.' });
  }
}

/**
 * Turns the AI SDK's first-frame image into Sora's `input_reference`. A file must be a PNG, JPEG or WebP
 * (read from its bytes, not trusted from its media type) and is uploaded as it is: resizing is the
 * caller's job, so the size is returned for the caller to check against the video's.
 */
export function firstFrame(file: VideoModelV4File): FirstFrame {
  if (file.type === 'url') {
    return { reference: { image_url: file.url }, size: undefined, description: `<image ${file.url}>` };
  }
  const bytes = typeof file.data === 'string' ? fromBase64(file.data) : new Uint8Array(file.data);
  let read: ReturnType<typeof imageSize> | undefined;
  try {
    read = imageSize(bytes);
  } catch {
    read = undefined;
  }
  const mediaType = read?.type === undefined ? undefined : MEDIA_TYPES.get(read.type);
  if (!read || !mediaType || !read.width || !read.height) {
    throw new InvalidArgumentError({
      argument: 'image',
      message: `Invalid value for 'image': a ${read?.type ?? file.mediaType} file. Allowed: a PNG, JPEG or WebP image.`,
    });
  }
  return {
    reference: new Blob([bytes], { type: mediaType }),
    size: [read.width, read.height],
    description: `<${mediaType} ${read.width}x${read.height}, ${bytes.length} bytes>`,
  };
}
