/**
 * The jobs file of `sora-kit batch`: JSON Lines, one job per line, checked whole before any request.
 *
 * A line is a JSON string (the prompt) or an object with `prompt` and optionally `model`, `seconds`
 * (`"8"`; a number is accepted and sent as text), `size`, `input_reference` (an image path, relative to
 * the jobs file) and `output` (a file name, relative to the output folder). Blank lines are skipped;
 * jobs keep the number of the line they are on, which is how the manifest knows them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, resolve, sep } from 'node:path';
import type { VideoCreateParams } from '@sora-kit/core';
import { validateCreateParams } from '@sora-kit/core';
import { CliError, UsageError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { checkInputReference } from '../input-image.js';
import { LINE_BREAK } from '../terminal-text.js';

export interface BatchJob {
  /** 1-based line number in the jobs file. */
  line: number;
  params: Omit<VideoCreateParams, 'input_reference'>;
  /** Absolute path of the first-frame image, if any. */
  inputReference?: string;
  /** The output file, relative to the output folder (`line-007.mp4` unless the line names one). */
  output: string;
  /** Identifies the line's content: a line edited after its job was created is refused on resume. */
  hash: string;
}

const FIELDS = ['prompt', 'model', 'seconds', 'size', 'input_reference', 'output'] as const;
const MAX_REPORTED = 20;

/** Reads and checks every line; throws one `UsageError` listing every problem (by line number). */
export async function readJobsFile(path: string): Promise<BatchJob[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `Cannot read the jobs file '${path}': ${error.code === 'ENOENT' ? 'it does not exist' : (error.code ?? error.message)}.`,
    );
  });
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const width = Math.max(3, String(lines.length).length);
  const problems: string[] = [];
  const jobs: BatchJob[] = [];
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const line = index + 1;
    try {
      jobs.push(await parseLine(raw, line, path, width));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      problems.push(error.message.startsWith('line ') ? error.message : `line ${line}: ${error.message}`);
    }
  }
  const seen = new Map<string, number>();
  for (const job of jobs) {
    const key = process.platform === 'linux' ? job.output : job.output.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      problems.push(`line ${job.line}: output '${job.output}' is also the output of line ${first}.`);
    else seen.set(key, job.line);
  }
  if (problems.length > 0) {
    problems.sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
    const shown = problems.slice(0, MAX_REPORTED);
    const more = problems.length - shown.length;
    throw new UsageError(
      `${path}: ${problems.length} invalid line${problems.length === 1 ? '' : 's'}; nothing was sent.${shown.map((p) => `${LINE_BREAK}  ${p}`).join('')}${more ? `${LINE_BREAK}  … and ${more} more` : ''}`,
      'Each line is a JSON string (the prompt) or an object: {"prompt": "...", "model": "sora-2", "seconds": "8", "size": "1280x720", "input_reference": "frame.png", "output": "name.mp4"}.',
      'invalid_jobs_file',
    );
  }
  if (jobs.length === 0) throw new UsageError(`${path} has no jobs (every line is blank).`);
  return jobs;
}

async function parseLine(raw: string, line: number, file: string, width: number): Promise<BatchJob> {
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
  const params = {
    prompt: fields.prompt as string,
    ...(fields.model !== undefined && { model: fields.model as string }),
    ...(seconds !== undefined && { seconds: seconds as VideoCreateParams['seconds'] }),
    ...(fields.size !== undefined && { size: fields.size as VideoCreateParams['size'] }),
  };
  // Core's rules (prompt, model, seconds, size), without sending anything.
  try {
    validateCreateParams(params);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let inputReference: string | undefined;
  if (typeof fields.input_reference === 'string') {
    inputReference = resolve(dirname(file), fields.input_reference);
    await checkInputReference(inputReference, params.size, 'input_reference');
  }
  const output =
    typeof fields.output === 'string'
      ? checkOutputName(fields.output)
      : `line-${String(line).padStart(width, '0')}.mp4`;
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
  return { line, params, ...(inputReference && { inputReference }), output, hash };
}

/** An `output` must stay inside the output folder. */
function checkOutputName(name: string): string {
  const normal = normalize(name);
  if (
    name.trim() === '' ||
    isAbsolute(name) ||
    normal === '..' ||
    normal.startsWith(`..${sep}`) ||
    normal.endsWith(sep)
  ) {
    throw new CliError(
      `Invalid value for 'output': '${name}'. Allowed: a file name inside --out-dir (no absolute path, no '..').`,
      ExitCode.Usage,
    );
  }
  return normal;
}
