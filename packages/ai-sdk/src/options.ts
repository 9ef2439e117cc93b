import { InvalidArgumentError } from '@ai-sdk/provider';
import type { VideoContentVariant } from '@sora-kit/core';

/** How each status check waits (see {@link SoraVideoModelOptions.poll}). */
export type SoraPollOptions = {
  /**
   * The most milliseconds one status check (`doStatus`) keeps watching a running job before it answers
   * `pending`. It watches with @sora-kit/core's poller, which learns from the job's progress when to ask
   * again (and honours `openai-poll-after-ms`), and answers as soon as the job ends. Default: 0 (one request
   * per check, the AI SDK's own rhythm).
   */
  waitMs?: number;
  /** The shortest wait between requests while watching. Default: 500 (core's). */
  minIntervalMs?: number;
  /** The longest wait between requests while watching. Default: 10 000 (core's). */
  maxIntervalMs?: number;
};

/** `providerOptions.sora`: what Sora can do beyond the AI SDK's common options. */
export type SoraVideoModelOptions = {
  /**
   * Remix a completed video (`POST /v1/videos/{id}/remix`): its id (`video_…`). The prompt says what to
   * change; the source's model, size and length are kept.
   */
  remixOf?: string;
  /** Continue a completed video (`POST /v1/videos/extensions`) by `duration` more seconds: its id. */
  extend?: string;
  /** Edit a completed video (`POST /v1/videos/edits`) as the prompt says: its id. */
  edit?: string;
  /**
   * Characters (`char_…`, made with `POST /v1/videos/characters`, e.g. core's `createCharacter`) the prompt
   * uses. Sora finds a character by its name in the prompt; each id is looked up before the paid request
   * (an unknown id fails then), a warning says when the prompt does not name one, and the names come back
   * in `providerMetadata.sora.characters`.
   */
  characters?: string[];
  /** The asset a completed job returns: `video` (MP4, the default), `thumbnail` (WebP), `spritesheet` (JPEG). */
  variant?: VideoContentVariant;
  /**
   * `auto` (default): when the gateway answers the download with a temporary link (gpt.ge), return that URL
   * and let the AI SDK download it (links expire about an hour after completion); otherwise the bytes.
   * `bytes`: always the bytes, fetched by sora-kit (e.g. when the link is on a private network, which the
   * AI SDK's downloader refuses).
   */
  download?: 'auto' | 'bytes';
  /** Poll tuning: how long each status check may watch a running job. */
  poll?: SoraPollOptions;
};

/** The opaque `operation` of a started job: everything a later `doStatus`, in any process, needs. */
export type SoraOperation = {
  /** The job's id, `video_…`. */
  id: string;
  variant?: VideoContentVariant;
  download?: 'bytes';
  poll?: SoraPollOptions;
};

const OPTION_NAMES = ['remixOf', 'extend', 'edit', 'characters', 'variant', 'download', 'poll'];
const POLL_NAMES = ['waitMs', 'minIntervalMs', 'maxIntervalMs'];
const VARIANTS = ['video', 'thumbnail', 'spritesheet'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(argument: string, value: unknown, allowed: string): never {
  const shown =
    typeof value === 'string' ? `'${value.slice(0, 80)}'` : (JSON.stringify(value) ?? String(value));
  throw new InvalidArgumentError({
    argument,
    message: `Invalid value for '${argument}': ${shown}. Allowed: ${allowed}.`,
  });
}

function onlyKnownKeys(value: Record<string, unknown>, names: string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!names.includes(key))
      invalid(`${prefix}${key}`, value[key], `no such option (known: ${names.join(', ')})`);
  }
}

const idText = (argument: string, value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value) invalid(argument, value, 'an id string');
  return value;
};

function pollOptions(value: unknown, prefix: string): SoraPollOptions | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) invalid(prefix, value, `an object with ${POLL_NAMES.join(', ')}`);
  onlyKnownKeys(value, POLL_NAMES, `${prefix}.`);
  const poll: SoraPollOptions = {};
  for (const name of POLL_NAMES as (keyof SoraPollOptions)[]) {
    const ms = value[name];
    if (ms === undefined) continue;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      invalid(`${prefix}.${name}`, ms, 'a number of milliseconds, 0 or more');
    }
    poll[name] = ms;
  }
  return poll;
}

function variantOf(value: unknown, argument: string): VideoContentVariant | undefined {
  if (value !== undefined && !VARIANTS.includes(value as string)) {
    invalid(argument, value, VARIANTS.map((v) => `'${v}'`).join(', '));
  }
  return value as VideoContentVariant | undefined;
}

/** Checks `providerOptions.sora` whole, before any request: a clear error names a wrong or unknown field. */
export function parseSoraOptions(value: unknown): SoraVideoModelOptions {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) invalid('providerOptions.sora', value, 'an object');
  onlyKnownKeys(value, OPTION_NAMES, 'providerOptions.sora.');
  const options: SoraVideoModelOptions = {};
  const remixOf = idText('providerOptions.sora.remixOf', value.remixOf);
  const extend = idText('providerOptions.sora.extend', value.extend);
  const edit = idText('providerOptions.sora.edit', value.edit);
  const sources = [remixOf, extend, edit].filter((id) => id !== undefined);
  if (sources.length > 1) {
    invalid(
      'providerOptions.sora',
      'remixOf, extend and edit together',
      'at most one of remixOf, extend, edit',
    );
  }
  if (remixOf !== undefined) options.remixOf = remixOf;
  if (extend !== undefined) options.extend = extend;
  if (edit !== undefined) options.edit = edit;
  if (value.characters !== undefined) {
    const { characters } = value;
    if (!Array.isArray(characters) || characters.some((id) => typeof id !== 'string' || !id)) {
      invalid('providerOptions.sora.characters', characters, 'an array of character ids (char_…)');
    }
    options.characters = characters as string[];
  }
  const variant = variantOf(value.variant, 'providerOptions.sora.variant');
  if (variant !== undefined) options.variant = variant;
  if (value.download !== undefined) {
    if (value.download !== 'auto' && value.download !== 'bytes') {
      invalid('providerOptions.sora.download', value.download, "'auto', 'bytes'");
    }
    options.download = value.download;
  }
  const poll = pollOptions(value.poll, 'providerOptions.sora.poll');
  if (poll !== undefined) options.poll = poll;
  return options;
}

/** Reads an `operation` back (it may have been stored, sent between processes or made by hand). */
export function parseOperation(value: unknown): SoraOperation {
  if (!isObject(value) || typeof value.id !== 'string') {
    invalid('operation', value, "the operation a Sora doStart returned, { id: 'video_…' }");
  }
  const operation: SoraOperation = { id: value.id };
  const variant = variantOf(value.variant, 'operation.variant');
  if (variant !== undefined) operation.variant = variant;
  if (value.download !== undefined) {
    if (value.download !== 'bytes') invalid('operation.download', value.download, "'bytes'");
    operation.download = 'bytes';
  }
  const poll = pollOptions(value.poll, 'operation.poll');
  if (poll !== undefined) operation.poll = poll;
  return operation;
}

/** The operation `doStart` returns: only what differs from the defaults, so it stays small and readable. */
export function operationFor(id: string, options: SoraVideoModelOptions): SoraOperation {
  const operation: SoraOperation = { id };
  if (options.variant !== undefined && options.variant !== 'video') operation.variant = options.variant;
  if (options.download === 'bytes') operation.download = 'bytes';
  if (options.poll?.waitMs) operation.poll = options.poll;
  return operation;
}
