/**
 * The jobs file of `sora-kit batch`: JSON Lines, one job per line, checked whole before any request.
 *
 * A line is a JSON string (the prompt) or an object with `prompt` and optionally `model`, `seconds`
 * (`"8"`; a number is accepted and sent as text), `size`, `input_reference` (an image path, relative to
 * the jobs file) and `output` (a file name, relative to the output folder). Blank lines are skipped;
 * jobs keep the number of the line they are on, which is how the manifest knows them.
 *
 * The file is streamed, never held whole: a job keeps only where its line is, and its parameters are
 * read again when its job is created (a line edited meanwhile is refused by its hash). A line longer
 * than `maxLineBytes` is refused without being held, and so is a file of more than `maxJobs` jobs.
 */
import { createHash } from 'node:crypto';
import { dirname, resolve, sep } from 'node:path';
import type { VideoCreateParams } from '@sora-kit/core';
import { validateCreateParams } from '@sora-kit/core';
import { CliError, UsageError } from '../cli-error.js';
import { checkInputReference } from '../input-image.js';
import { checkPromptText } from '../prompt.js';
import { LINE_BREAK } from '../terminal-text.js';
import { countLines, readLineAt, readLines } from './line-reader.js';
import { checkOutputName, outputKey } from './output-names.js';

export interface BatchJob {
  /** 1-based line number in the jobs file. */
  line: number;
  /** Where the line is in the jobs file (bytes): {@link readJobParams} reads it again for the create. */
  offset: number;
  length: number;
  /** Absolute path of the first-frame image, if any. */
  inputReference?: string;
  /** The output file, relative to the output folder (`line-007.mp4` unless the line names one). */
  output: string;
  /** Identifies the line's content: a line edited after its job was created is refused on resume. */
  hash: string;
}

/** The parameters of a job's create, without its image. */
export type JobParams = Omit<VideoCreateParams, 'input_reference'>;

export interface JobsFileLimits {
  /** The longest line accepted, in bytes (`--max-line-bytes`). Default {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
  /** The most jobs one file may hold (`--max-jobs`). Default {@link DEFAULT_MAX_JOBS}. */
  maxJobs?: number;
}

/**
 * 1 MiB: a prompt is at most 32000 characters, which is at most 384 KiB of JSON even when every one is
 * an emoji written as `\ud83d\udc2f`; the rest of a line is short.
 */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** Each line is a paid job: more than this in one file is more likely a mistake than a plan. */
export const DEFAULT_MAX_JOBS = 100_000;

const FIELDS = ['prompt', 'model', 'seconds', 'size', 'input_reference', 'output'] as const;
const MAX_REPORTED = 20;

/** Reads and checks every line; throws one `UsageError` listing the problems (by line number). */
export async function readJobsFile(path: string, limits: JobsFileLimits = {}): Promise<BatchJob[]> {
  const maxLineBytes = limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxJobs = limits.maxJobs ?? DEFAULT_MAX_JOBS;
  const unreadable = (error: NodeJS.ErrnoException) =>
    new UsageError(
      `Cannot read the jobs file '${path}': ${error.code === 'ENOENT' ? 'it does not exist' : error.code === 'EISDIR' ? 'it is a folder' : (error.code ?? error.message)}.`,
    );
  // The default output names are padded to the number of lines, so count them first (a fast pass).
  const width = Math.max(
    3,
    String(await countLines(path).catch((error) => Promise.reject(unreadable(error)))).length,
  );

  const problems: string[] = [];
  let problemCount = 0;
  const problem = (text: string) => {
    problemCount += 1;
    if (problems.length < MAX_REPORTED) problems.push(text);
  };
  const jobs: BatchJob[] = [];
  const outputs = new Map<string, number>(); // output → its line
  const folders = new Map<string, number>(); // every folder an output is in → the first such line
  try {
    for await (const raw of readLines(path, maxLineBytes)) {
      if (raw.text === undefined) {
        problem(
          `line ${raw.number}: ${raw.length} bytes, longer than the limit of ${maxLineBytes} (--max-line-bytes).`,
        );
        continue;
      }
      if (raw.text.trim() === '') continue;
      if (jobs.length + problemCount >= maxJobs) {
        throw new UsageError(
          `${path} holds more than ${maxJobs} jobs (line ${raw.number} is one too many); nothing was sent.`,
          'Split it into several batches (each with its own --out-dir), or raise --max-jobs.',
          'too_many_jobs',
        );
      }
      try {
        const parsed = parseLine(raw.text, `line-${String(raw.number).padStart(width, '0')}.mp4`);
        const inputReference = parsed.inputReference && resolve(dirname(path), parsed.inputReference);
        if (inputReference) await checkInputReference(inputReference, parsed.params.size, 'input_reference');
        const clash = collision(parsed.output, raw.number, outputs, folders);
        if (clash) throw new UsageError(clash);
        jobs.push({
          line: raw.number,
          offset: raw.offset,
          length: raw.length,
          ...(inputReference && { inputReference }),
          output: parsed.output,
          hash: parsed.hash,
        });
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        problem(error.message.startsWith('line ') ? error.message : `line ${raw.number}: ${error.message}`);
      }
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw unreadable(error as NodeJS.ErrnoException);
  }
  if (problemCount > 0) {
    const more = problemCount - problems.length;
    throw new UsageError(
      `${path}: ${problemCount} invalid line${problemCount === 1 ? '' : 's'}; nothing was sent.${problems.map((p) => `${LINE_BREAK}  ${p}`).join('')}${more ? `${LINE_BREAK}  … and ${more} more` : ''}`,
      'Each line is a JSON string (the prompt) or an object: {"prompt": "...", "model": "sora-2", "seconds": "8", "size": "1280x720", "input_reference": "frame.png", "output": "name.mp4"}.',
      'invalid_jobs_file',
    );
  }
  if (jobs.length === 0) throw new UsageError(`${path} has no jobs (every line is blank).`);
  return jobs;
}

/**
 * The parameters of `job`, read again from the jobs file when its job is created. A line that no longer
 * hashes the same (the file was edited while the batch ran) is refused: nothing is sent for it.
 */
export async function readJobParams(path: string, job: BatchJob): Promise<JobParams> {
  const text = await readLineAt(path, job.offset, job.length);
  let parsed: ParsedLine | undefined;
  try {
    // A line without an `output` had the default name, which is the job's.
    parsed = parseLine(text, job.output);
  } catch {}
  if (!parsed || parsed.hash !== job.hash) {
    throw new UsageError(
      `line ${job.line} of ${path} changed while the batch ran; nothing was sent for it`,
      'Restore the line and run the batch again.',
      'jobs_file_changed',
    );
  }
  return parsed.params;
}

/** Why `output` cannot be a new output of line `line`, given those of earlier lines (undefined if it can). */
function collision(
  output: string,
  line: number,
  outputs: Map<string, number>,
  folders: Map<string, number>,
): string | undefined {
  const key = outputKey(output);
  const same = outputs.get(key);
  if (same !== undefined) return `line ${line}: output '${output}' is also the output of line ${same}.`;
  const under = folders.get(key);
  if (under !== undefined)
    return `line ${line}: output '${output}' is a folder of the output of line ${under}.`;
  const parts = key.split(sep);
  for (let i = 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join(sep);
    const file = outputs.get(folder);
    if (file !== undefined)
      return `line ${line}: output '${output}' is inside '${folder}', the output of line ${file}.`;
  }
  outputs.set(key, line);
  for (let i = 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join(sep);
    if (!folders.has(folder)) folders.set(folder, line);
  }
  return undefined;
}

interface ParsedLine {
  params: JobParams;
  /** `input_reference` as written (relative to the jobs file). */
  inputReference: string | undefined;
  output: string;
  hash: string;
}

/** Parses and checks one line; `defaultOutput` is its output when it names none. */
function parseLine(raw: string, defaultOutput: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`not valid JSON (${(error as Error).message}).`);
  }
  const fields: Record<string, unknown> =
    typeof value === 'string' ? { prompt: value } : (value as Record<string, unknown>);
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new UsageError('must be a JSON object with a "prompt", or a JSON string.');
  }
  const unknown = Object.keys(fields).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown.length) {
    throw new UsageError(
      `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}. Allowed: ${FIELDS.join(', ')}.`,
    );
  }
  for (const key of ['model', 'size', 'input_reference', 'output'] as const) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string')
      throw new UsageError(`'${key}' must be a string.`);
  }
  const seconds = typeof fields.seconds === 'number' ? String(fields.seconds) : fields.seconds;
  const params: JobParams = {
    prompt: fields.prompt as string,
    ...(fields.model !== undefined && { model: fields.model as string }),
    ...(seconds !== undefined && { seconds: seconds as VideoCreateParams['seconds'] }),
    ...(fields.size !== undefined && { size: fields.size as VideoCreateParams['size'] }),
  };
  // Core's rules (prompt, model, seconds, size), without sending anything; and no blank prompt.
  try {
    if (typeof params.prompt === 'string') checkPromptText(params.prompt);
    validateCreateParams(params);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const output = typeof fields.output === 'string' ? checkOutputName(fields.output) : defaultOutput;
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        params.prompt,
        params.model ?? null,
        params.seconds ?? null,
        params.size ?? null,
        fields.input_reference ?? null,
        output,
      ]),
    )
    .digest('hex');
  return { params, inputReference: fields.input_reference as string | undefined, output, hash };
}
