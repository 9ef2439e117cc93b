/**
 * Checks of what a request uploads or points at: the first-frame image (`input_reference`) must be a
 * JPEG, PNG or WebP image with exactly the dimensions of `size`; an uploaded source video must be an MP4.
 *
 * An http(s) `image_url` cannot be fetched by an offline emulator, and `file_id` names a file of a
 * Files API it does not have: both are accepted unchecked (documented in the README).
 */
import { fromBase64, utf8Bytes } from './encoding.js';
import { badRequest } from './errors.js';
import type { ImageReference, VideoSize } from './generated/openapi.js';
import { imageInfo } from './image-size.js';

/** The bytes of a `data:` URL, or `undefined` when it is not one. */
function dataUrlBytes(url: string): Uint8Array | undefined {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(url);
  if (!match) return undefined;
  const [, , base64, data = ''] = match;
  try {
    return base64 ? fromBase64(data) : utf8Bytes(decodeURIComponent(data));
  } catch {
    return undefined;
  }
}

/** The bytes of the reference image to check, or `undefined` when it cannot be checked offline. */
async function referenceBytes(
  reference: ImageReference | string | undefined,
  file: File | undefined,
): Promise<Uint8Array | undefined> {
  if (file) return new Uint8Array(await file.arrayBuffer());
  if (typeof reference !== 'object' || !('image_url' in reference)) return undefined;
  const url = reference.image_url;
  if (/^https?:\/\//i.test(url)) return undefined;
  const bytes = dataUrlBytes(url);
  if (!bytes) {
    throw badRequest(
      "Invalid 'input_reference.image_url': expected an https URL or a base64 data URL of an image.",
      'input_reference.image_url',
    );
  }
  return bytes;
}

/** Throws the 400 envelope unless the reference image (if it can be read) has the dimensions of `size`. */
export async function checkInputReference(
  reference: ImageReference | string | undefined,
  file: File | undefined,
  size: VideoSize,
): Promise<void> {
  const bytes = await referenceBytes(reference, file);
  if (!bytes) return;
  const param = 'input_reference';
  const info = imageInfo(bytes);
  if (!info)
    throw badRequest(`Invalid '${param}': expected a JPEG, PNG or WebP image.`, param, 'invalid_image');
  if (`${info.width}x${info.height}` !== size) {
    throw badRequest(
      `Invalid '${param}': the image is ${info.width}x${info.height}, but 'size' is ${size}; ` +
        'the reference image must have exactly the dimensions of the video.',
      param,
      'invalid_image_dimensions',
    );
  }
}

/** Throws the 400 envelope unless `file` is an MP4 (an ISO BMFF file starting with an `ftyp` box). */
export async function checkVideoUpload(file: File | undefined, param: string): Promise<void> {
  const head = new Uint8Array(await (file ?? new Blob()).slice(0, 12).arrayBuffer());
  if (String.fromCharCode(...head.subarray(4, 8)) !== 'ftyp') {
    throw badRequest(`Invalid '${param}': expected an MP4 video file.`, param, 'invalid_video');
  }
}
