/**
 * The media of completed jobs, rendered by `./media` (pure TypeScript encoders, so users need no
 * ffmpeg) and cached per job and variant.
 *
 * Rendering is lazy, on the first download of each variant, not when a job completes: encoding is
 * CPU work on the event loop, and most jobs (lists, pagination and retry tests make hundreds) are
 * never downloaded. Later downloads, ranges and HEADs of the same asset are served from the cache.
 */
import { sha256 } from './crypto.js';
import { toBase64Url } from './encoding.js';
import type { VideoContentVariant } from './generated/openapi.js';
import type { Job } from './jobs.js';
import { MEDIA_TYPES, renderSpritesheet, renderThumbnail, renderVideo } from './media/index.js';

/** One downloadable file. */
export interface Asset {
  bytes: Uint8Array;
  contentType: string;
  /** A strong ETag, quoted: derived from the bytes, so it changes if they ever do. */
  etag: string;
  /** A file name for `Content-Disposition`. */
  fileName: string;
}

const EXTENSIONS: Record<VideoContentVariant, string> = {
  video: 'mp4',
  thumbnail: 'webp',
  spritesheet: 'jpg',
};

/** What the media show: the job's id and prompt, so that a downloaded file can be told apart. */
export function mediaLabel(job: Job): string {
  return `${job.id}\n${job.prompt}`;
}

function render(job: Job, variant: VideoContentVariant): Uint8Array {
  const [width, height] = job.size.split('x').map(Number) as [number, number];
  const seconds = Number(job.seconds);
  const label = mediaLabel(job);
  switch (variant) {
    case 'video':
      return renderVideo({ width, height, seconds, label });
    case 'thumbnail':
      return renderThumbnail({ width, height, seconds, label });
    case 'spritesheet':
      return renderSpritesheet({ width, height, seconds, label });
  }
}

/**
 * How many bytes of media stay cached. Rendering is deterministic (the same job gives the same bytes and
 * so the same ETag), so an evicted asset is simply rendered again on its next download, and a long-running
 * emulator does not grow without bound.
 */
const CACHE_BUDGET_BYTES = 256 * 1024 * 1024;

export class MediaCache {
  /** Assets by `id:variant`, least recently used first (a hit moves its entry to the end). */
  readonly #assets = new Map<string, Promise<Asset>>();
  readonly #sizes = new Map<string, number>();
  #cachedBytes = 0;

  /** @param budgetBytes How many bytes of rendered media to keep. */
  constructor(private readonly budgetBytes = CACHE_BUDGET_BYTES) {}

  /** The asset of `job`'s `variant`, rendered on first use. */
  get(job: Job, variant: VideoContentVariant): Promise<Asset> {
    const key = `${job.id}:${variant}`;
    let asset = this.#assets.get(key);
    if (asset) {
      this.#assets.delete(key);
      this.#assets.set(key, asset);
      return asset;
    }
    asset = (async () => {
      const bytes = render(job, variant);
      const digest = await sha256(bytes);
      return {
        bytes,
        contentType: MEDIA_TYPES[variant],
        etag: `"${toBase64Url(digest.subarray(0, 18))}"`,
        fileName: `${job.id}.${EXTENSIONS[variant]}`,
      };
    })();
    this.#assets.set(key, asset);
    asset.then(
      (rendered) => {
        if (this.#assets.get(key) !== asset) return; // forgotten meanwhile
        this.#sizes.set(key, rendered.bytes.byteLength);
        this.#cachedBytes += rendered.bytes.byteLength;
        this.#evict();
      },
      // A failed render is not cached: the next download tries again.
      () => this.#drop(key),
    );
    return asset;
  }

  /** Drops the assets of a deleted job. */
  forget(jobId: string): void {
    for (const variant of Object.keys(EXTENSIONS)) this.#drop(`${jobId}:${variant}`);
  }

  /** Bytes of media held now. */
  get cachedBytes(): number {
    return this.#cachedBytes;
  }

  #drop(key: string): void {
    this.#assets.delete(key);
    this.#cachedBytes -= this.#sizes.get(key) ?? 0;
    this.#sizes.delete(key);
  }

  #evict(): void {
    for (const key of this.#assets.keys()) {
      if (this.#cachedBytes <= this.budgetBytes) return;
      // Only rendered assets count against the budget; one still rendering is left alone.
      if (this.#sizes.has(key)) this.#drop(key);
    }
  }
}
