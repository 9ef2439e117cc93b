import { writeMultipart } from '../multipart/writer.js';
import type { JudgedJob } from './judge.js';

/**
 * The bytes of a judged job for the API: JSON re-serialised from the parsed object (a duplicate key such
 * as {"model":"sora-2-pro","model":"sora-2"} cannot mean one thing here and another there), an upload
 * written again part by part with a boundary of its own (`multipart/writer.ts`).
 */
export async function encodeJob(
  job: JudgedJob,
): Promise<{ body: string | ReadableStream<Uint8Array>; contentType: string }> {
  if (job.format === 'json')
    return { body: JSON.stringify(await job.fields), contentType: 'application/json' };
  return writeMultipart(job.files, job.fields as Promise<Readonly<Record<string, string>>>);
}
