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

/**
 * Throws the 400 envelope unless `file` is an MP4 (an ISO BMFF file starting with an `ftyp` box).
 * Answers its duration in whole seconds (at least 1) when its movie header says, else `undefined`.
 */
export async function checkVideoUpload(file: File | undefined, param: string): Promise<number | undefined> {
  const bytes = new Uint8Array(await (file ?? new Blob()).arrayBuffer());
  if (String.fromCharCode(...bytes.subarray(4, 8)) !== 'ftyp') {
    throw badRequest(`Invalid '${param}': expected an MP4 video file.`, param, 'invalid_video');
  }
  const duration = mp4DurationSeconds(bytes);
  return duration === undefined ? undefined : Math.max(1, Math.round(duration));
}

/** The boxes of an ISO BMFF byte range (ISO/IEC 14496-12 §4.2): type and where its payload lies. */
function* boxes(
  view: DataView,
  start: number,
  end: number,
): Generator<{ type: string; at: number; end: number }> {
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) return;
    const type = String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + at + 4, 4));
    yield { type, at: at + header, end: at + size };
    at += size;
  }
}

/** `moov/mvhd` duration ÷ timescale (§8.2.2), or `undefined` when the file has no readable header. */
function mp4DurationSeconds(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const moov of boxes(view, 0, bytes.byteLength)) {
    if (moov.type !== 'moov') continue;
    for (const mvhd of boxes(view, moov.at, moov.end)) {
      if (mvhd.type !== 'mvhd') continue;
      const version = view.getUint8(mvhd.at);
      // Version 1 has 64-bit creation/modification times and duration; version 0 32-bit ones.
      const timescaleAt = mvhd.at + (version === 1 ? 20 : 12);
      if (timescaleAt + (version === 1 ? 12 : 8) > mvhd.end) return undefined;
      const timescale = view.getUint32(timescaleAt);
      const duration =
        version === 1 ? Number(view.getBigUint64(timescaleAt + 4)) : view.getUint32(timescaleAt + 4);
      return timescale > 0 && duration > 0 ? duration / timescale : undefined;
    }
  }
  return undefined;
}
