/**
 * The batch manifest, `<out-dir>/manifest.jsonl`: an append-only log of what happened to each line of
 * the jobs file, written (and fsynced) before the batch moves on, so that a run killed at any instant
 * can be resumed without creating any job twice.
 *
 * Records, one JSON object per line:
 * - `batch`: the first record; its random `nonce` makes this batch's idempotency keys its own.
 * - `creating`: written before the create request, with the `Idempotency-Key` it carries. A rerun that
 *   finds `creating` without `created` resends the create with the same key, and the server answers
 *   with the job it already made (if the first request reached it) instead of starting another.
 * - `created`: the job id, as soon as the server answered.
 * - `completed` / `failed`: the job's end (`failed` keeps `error.code` and `error.message`).
 * - `downloaded`: the file is complete on disk (it was renamed into place before this record).
 *
 * A record torn by a crash mid-write can only be the last line; it is dropped when the manifest is
 * opened (the state it recorded is recovered from the record before it, see above).
 */
import { createHash, randomUUID } from 'node:crypto';
import { type FileHandle, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../cli-error.js';
import { releasePidLock, takePidLock } from '../pid-lock.js';

export const MANIFEST_FILE = 'manifest.jsonl';
export const LOCK_FILE = 'manifest.lock';

export type ManifestRecord =
  | { type: 'batch'; version: 1; nonce: string; jobs_file: string; at: string }
  | { type: 'creating'; line: number; hash: string; idempotency_key: string; at: string }
  | { type: 'created'; line: number; hash: string; id: string; at: string }
  | { type: 'completed'; line: number; id: string; expires_at: number | null; at: string }
  | { type: 'failed'; line: number; id: string; error: { code: string; message: string }; at: string }
  | { type: 'downloaded'; line: number; id: string; file: string; bytes: number; at: string };

/** Records as appended: `at` is filled in. */
export type NewRecord = ManifestRecord extends infer R
  ? R extends ManifestRecord
    ? Omit<R, 'at'>
    : never
  : never;

/** What the manifest says about one line of the jobs file. */
export interface LineState {
  line: number;
  /** The hash of the line's job when it was first sent; a rerun refuses a line that changed since. */
  hash: string;
  idempotencyKey: string;
  status: 'creating' | 'created' | 'completed' | 'failed' | 'downloaded';
  id?: string;
  expiresAt?: number | null;
  error?: { code: string; message: string };
  file?: string;
}

export class Manifest {
  readonly path: string;
  readonly nonce: string;
  /** The state of every line the manifest mentions, by line number. */
  readonly lines: Map<number, LineState>;
  readonly #handle: FileHandle;
  readonly #lockPath: string;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    path: string,
    nonce: string,
    lines: Map<number, LineState>,
    handle: FileHandle,
    lockPath: string,
  ) {
    this.path = path;
    this.nonce = nonce;
    this.lines = lines;
    this.#handle = handle;
    this.#lockPath = lockPath;
  }

  /**
   * Opens (or starts) the manifest in `dir`, taking its lock: a second batch running in the same folder
   * at the same time is refused. `jobsFile` is recorded in a new manifest for humans reading it.
   */
  static async open(dir: string, jobsFile: string): Promise<Manifest> {
    const lockPath = join(dir, LOCK_FILE);
    await takePidLock(lockPath, {
      message: (pid) => `Another sora-kit batch (pid ${pid}) is running in this folder.`,
      code: 'batch_locked',
    });
    try {
      const path = join(dir, MANIFEST_FILE);
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (text === undefined) {
        const nonce = randomUUID();
        const first: ManifestRecord = {
          type: 'batch',
          version: 1,
          nonce,
          jobs_file: jobsFile,
          at: new Date().toISOString(),
        };
        // Written whole and synced, with the folder entry, before any job exists.
        await writeFile(path, `${JSON.stringify(first)}\n`, { flag: 'wx' });
        await syncPath(path);
        await syncPath(dir);
        return new Manifest(path, nonce, new Map(), await open(path, 'a'), lockPath);
      }
      const { records, validLength, needsNewline } = parseManifest(text, path);
      if (validLength < Buffer.byteLength(text) || needsNewline) {
        // Drop a torn tail (or end the last record) so that the next record starts on a line of its own.
        const handle = await open(path, 'r+');
        await handle.truncate(validLength);
        if (needsNewline) await handle.write('\n', validLength);
        await handle.sync();
        await handle.close();
      }
      const header = records[0];
      if (header?.type !== 'batch')
        throw new UsageError(`${path} is not a sora-kit batch manifest (no "batch" record first).`);
      return new Manifest(path, header.nonce, foldRecords(records), await open(path, 'a'), lockPath);
    } catch (error) {
      await releasePidLock(lockPath);
      throw error;
    }
  }

  /** The `Idempotency-Key` of a line's create: the same on every run of this batch, different in any other. */
  idempotencyKey(line: number, hash: string): string {
    const digest = createHash('sha256').update(`${this.nonce}\n${line}\n${hash}`).digest('hex').slice(0, 40);
    return `sora-kit-batch-${digest}`;
  }

  /** Appends a record and syncs it to disk; resolves once it is durable. Appends are serialised. */
  append(record: NewRecord): Promise<void> {
    const full = { ...record, at: new Date().toISOString() } as ManifestRecord;
    const write = this.#queue.then(async () => {
      await this.#handle.write(`${JSON.stringify(full)}\n`);
      await this.#handle.datasync();
      applyRecord(this.lines, full);
    });
    // A failed write fails its caller; later appends still run.
    this.#queue = write.catch(() => {});
    return write;
  }

  /** Waits for pending appends, closes the file and releases the lock. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#handle.close();
    await releasePidLock(this.#lockPath);
  }
}

/** The state of the manifest in `dir` without opening it for writing; an empty map when there is none. */
export async function readManifestState(dir: string): Promise<Map<number, LineState>> {
  const path = join(dir, MANIFEST_FILE);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    // No manifest yet; a folder that cannot hold one is reported by the output checks that follow.
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return '';
    throw error;
  });
  return foldRecords(parseManifest(text, path).records);
}

/**
 * Parses manifest text. A torn last line (unparsable, no newline) is left out of `validLength`; a last
 * record that is whole but lacks its newline is kept, with `needsNewline`.
 */
export function parseManifest(
  text: string,
  path = MANIFEST_FILE,
): { records: ManifestRecord[]; validLength: number; needsNewline: boolean } {
  const records: ManifestRecord[] = [];
  const lines = text.split('\n');
  const unterminated = lines.pop() ?? '';
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as ManifestRecord);
    } catch {
      throw new UsageError(
        `${path}: line ${index + 1} is not valid JSON; the manifest was edited or damaged.`,
      );
    }
  });
  const complete = Buffer.byteLength(text) - Buffer.byteLength(unterminated);
  if (unterminated.trim() === '') return { records, validLength: complete, needsNewline: false };
  try {
    records.push(JSON.parse(unterminated) as ManifestRecord);
    return { records, validLength: Buffer.byteLength(text), needsNewline: true };
  } catch {
    return { records, validLength: complete, needsNewline: false };
  }
}

/** The state of every line, from the records in order. */
export function foldRecords(records: ManifestRecord[]): Map<number, LineState> {
  const lines = new Map<number, LineState>();
  for (const record of records) applyRecord(lines, record);
  return lines;
}

function applyRecord(lines: Map<number, LineState>, record: ManifestRecord): void {
  if (record.type === 'batch') return;
  const state = lines.get(record.line);
  switch (record.type) {
    case 'creating':
      if (!state) {
        lines.set(record.line, {
          line: record.line,
          hash: record.hash,
          idempotencyKey: record.idempotency_key,
          status: 'creating',
        });
      }
      return;
    case 'created':
      if (state) Object.assign(state, { status: 'created', id: record.id, hash: record.hash });
      return;
    case 'completed':
      if (state) Object.assign(state, { status: 'completed', id: record.id, expiresAt: record.expires_at });
      return;
    case 'failed':
      if (state) Object.assign(state, { status: 'failed', id: record.id, error: record.error });
      return;
    case 'downloaded':
      if (state) Object.assign(state, { status: 'downloaded', id: record.id, file: record.file });
      return;
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
