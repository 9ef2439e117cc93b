/** Worker processes for the multi-process tests: spawned, watched, killed. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../test/worker-process.mjs', import.meta.url));

export interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Progress lines it printed: which jobs it held, with their video ids. */
  reports: { jobId: string; videoId: string; status: string }[];
  stderr(): string;
  exited: Promise<void>;
}

export async function spawnWorker(args: {
  redisUrl: string;
  queueName: string;
  baseUrl: string;
  outDir: string;
  concurrency: number;
  lockMs?: number;
  stalledMs?: number;
  /** `false`: completed videos are not downloaded (a test of the creates alone). Default: true. */
  download?: boolean;
}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [
    script,
    args.redisUrl,
    args.queueName,
    args.baseUrl,
    args.outDir,
    String(args.concurrency),
    String(args.lockMs ?? 30_000),
    String(args.stalledMs ?? 30_000),
    args.download === false ? 'none' : 'download',
  ]);
  const reports: WorkerProcess['reports'] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    // A guard against a hang, not a measure: on a loaded machine Node, BullMQ and the Redis connection
    // took more than 20 s to start.
    const timer = setTimeout(() => reject(new Error(`worker not ready after 60 s: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (line.startsWith('{')) reports.push(JSON.parse(line));
    });
  });
  return { child, reports, stderr: () => stderr, exited };
}

/** Waits until `check` is true, polling; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
