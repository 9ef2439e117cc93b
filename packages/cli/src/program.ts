/**
 * The command table: every command, argument and option of `sora-kit`, with its help and examples.
 * This module and commander are all that `sora-kit --help` loads; a command's code (and with it
 * `@sora-kit/core`, `@sora-kit/emulator`) is imported only when that command runs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommandRunner } from './command-env.js';

/** Loads a command module and runs it; supplied by the entry so that it owns errors and exit codes. */
export type Dispatch = (
  load: () => Promise<{ run: CommandRunner }>,
  args: string[],
  options: Record<string, unknown>,
  name: string,
) => Promise<void>;

declare const __VERSION__: string;

const SEED_PROMPT = '一只凶猛的老虎破门闯入农家小院,土狗吓得跑开,猫咪跳出来击败吓跑老虎。';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

function positiveSeconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a number of seconds greater than 0.`);
    }
    return n;
  };
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

/**
 * Options every command that talks to the API has. `startsJobs`: the command can run a job's whole life
 * (`generate`, `batch`), so `--emulator` may start an emulator of its own when none is running, and
 * `--job-seconds` sets its render time.
 */
function withApiOptions(command: Command, startsJobs = false): Command {
  command.option('--base-url <url>', 'API host (default: $SORA_BASE_URL, else https://api.gpt.ge)');
  if (startsJobs) {
    command
      .option(
        '--emulator',
        'use the running `sora-kit emulator`, else start one inside this command (it stops with it); needs no key',
      )
      .option(
        '--job-seconds <seconds>',
        'with --emulator: render time of a job on the emulator this command starts (default 3)',
        positiveSeconds('--job-seconds'),
      );
  } else {
    command.option(
      '--emulator',
      'use the running `sora-kit emulator` (start one in another terminal); needs no key',
    );
  }
  return command
    .option('--json', 'stdout carries JSON lines only; see the README for their shape')
    .option('-q, --quiet', 'no progress and no messages on stderr (errors still)')
    .option('-v, --verbose', 'log every HTTP request to stderr (method, path, status, time; never the key)')
    .option('--no-color', 'no colors (NO_COLOR=1 does the same)');
}

/** Options of the commands that wait for a job and download it. */
function withWaitOptions(command: Command, what: string): Command {
  return command
    .option('-o, --output <file>', `where to save ${what} (default: <video id>.mp4 in the current folder)`)
    .option('-f, --force', 'overwrite the output file if it exists')
    .option(
      '--timeout <seconds>',
      'give up waiting after this long (the job keeps running)',
      positiveSeconds('--timeout'),
    );
}

/**
 * Builds the program. `dispatch` runs a command module; commander errors (unknown option, missing
 * argument, invalid value) are thrown as `CommanderError` because of `exitOverride()`, and the entry
 * maps them to exit code 2.
 */
export function createProgram(dispatch: Dispatch): Command {
  const program = new Command('sora-kit');
  program
    .description('Generate, watch, download and batch Sora 2 videos (the OpenAI-compatible /v1/videos API).')
    .version(__VERSION__, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, sortOptions: false })
    .addHelpText(
      'after',
      `
Environment:
  SORA_API_KEY    the API key (required unless --emulator; there is no flag for it, so it stays out of shell history)
  SORA_BASE_URL   the API host (default https://api.gpt.ge)
  NO_COLOR        set to turn colors off

Exit codes: 0 done, 1 the job failed or the API refused, 2 bad usage or invalid input, 130 interrupted.
${examples([
  'export SORA_API_KEY=sk-...',
  `sora-kit generate "${SEED_PROMPT}" --seconds 8 --size 1280x720 --output tiger.mp4`,
  'sora-kit generate --emulator "a tiger in a farmyard"     # offline, on the embedded emulator',
  'sora-kit generate "a red kite over the sea" --no-wait   # prints the id; then: sora-kit wait <id>',
  'sora-kit batch prompts.jsonl --concurrency 4 --out-dir videos',
  'sora-kit <command> --help',
])}`,
    );

  const action =
    (load: () => Promise<{ run: CommandRunner }>) =>
    async (...params: unknown[]): Promise<void> => {
      const command = params.at(-1) as Command;
      await dispatch(load, command.processedArgs as string[], command.opts(), command.name());
    };

  withWaitOptions(
    withApiOptions(
      program
        .command('generate')
        .summary('create a video from a prompt, wait with progress, download the MP4')
        .description(
          'Creates a video job from a text prompt, shows its progress until it completes, then downloads the MP4.\n\nWith --no-wait it prints the new job id and returns at once.',
        )
        .argument('<prompt>', 'what the video should show (quote it; "-" reads it from stdin)')
        .option('-m, --model <model>', 'sora-2 (default) or sora-2-pro; dated snapshots too')
        .option('-s, --seconds <seconds>', 'duration: 4 (default), 8 or 12')
        .option(
          '--size <WxH>',
          'one of 720x1280 (default), 1280x720, 1024x1792, 1792x1024 (the last two need sora-2-pro)',
        )
        .option(
          '-i, --input-reference <file>',
          'a JPEG, PNG or WebP image to start from; its size must equal --size',
        )
        .option('--no-wait', 'print the job id and return without waiting'),
      true,
    ),
    'the MP4',
  )
    .addHelpText(
      'after',
      examples([
        `sora-kit generate "${SEED_PROMPT}" --seconds 8 --size 1280x720 -o tiger.mp4`,
        'sora-kit generate "a cat at a piano" --model sora-2-pro --size 1792x1024 --seconds 12',
        'sora-kit generate "the cat starts to play" --input-reference cat-720x1280.png',
        'sora-kit generate "a lighthouse at dawn" --no-wait            # prints video_…',
        'sora-kit generate "a lighthouse at dawn" --json | tail -n 1   # the final Video object',
        'sora-kit generate --emulator "a tiger in a farmyard" -o tiger.mp4',
      ]),
    )
    .action(action(() => import('./commands/generate.js')));

  withApiOptions(
    program
      .command('status')
      .summary("show a job's status")
      .description("Shows a job's status, progress, parameters and expiry. Exits 0 whatever the job's state.")
      .argument('<id>', 'the video id (video_…)'),
  )
    .addHelpText(
      'after',
      examples(['sora-kit status video_68f0…', 'sora-kit status video_68f0… --json | jq .progress']),
    )
    .action(action(() => import('./commands/status.js')));

  withWaitOptions(
    withApiOptions(
      program
        .command('wait')
        .summary('resume watching a job started elsewhere, then download it')
        .description(
          'Watches a job created earlier (by --no-wait, another machine, or an interrupted generate) until it completes, then downloads it.',
        )
        .argument('<id>', 'the video id (video_…)')
        .option('--no-download', 'only wait; do not download'),
    ),
    'the MP4',
  )
    .addHelpText(
      'after',
      examples([
        'sora-kit wait video_68f0…',
        'sora-kit wait video_68f0… --output tiger.mp4 --force',
        'sora-kit wait video_68f0… --no-download && echo ready',
      ]),
    )
    .action(action(() => import('./commands/wait.js')));

  withApiOptions(
    program
      .command('download')
      .summary("download a completed job's video, thumbnail or spritesheet")
      .description(
        "Downloads a completed job's content to a file: streamed, resumed after a broken connection, and written atomically.",
      )
      .argument('<id>', 'the video id (video_…)')
      .addOption(
        new Option('--variant <variant>', 'which asset')
          .choices(['video', 'thumbnail', 'spritesheet'])
          .default('video'),
      )
      .option('-o, --output <file>', 'where to save it (default: <video id>.mp4, .webp or .jpg)')
      .option('-f, --force', 'overwrite the output file if it exists'),
  )
    .addHelpText(
      'after',
      examples([
        'sora-kit download video_68f0…',
        'sora-kit download video_68f0… --variant thumbnail -o poster.webp',
        'sora-kit download video_68f0… --variant spritesheet',
      ]),
    )
    .action(action(() => import('./commands/download.js')));

  withApiOptions(
    program
      .command('list')
      .summary('list your video jobs, newest first')
      .description('Lists video jobs (newest first by default), fetching as many pages as --limit needs.')
      .option('-n, --limit <n>', 'how many jobs to show (1-10000)', integer('--limit', 1, 10_000), 20)
      .addOption(
        new Option('--order <order>', 'sort by creation time').choices(['desc', 'asc']).default('desc'),
      )
      .option('--after <id>', 'start after this video id (a cursor)'),
  )
    .addHelpText(
      'after',
      examples([
        'sora-kit list',
        'sora-kit list --limit 100 --order asc',
        'sora-kit list --json | jq -r .id',
      ]),
    )
    .action(action(() => import('./commands/list.js')));

  withApiOptions(
    program
      .command('delete')
      .summary('delete a job and its content')
      .description('Deletes a video job and its content; its id answers 404 afterwards.')
      .argument('<id>', 'the video id (video_…)'),
  )
    .addHelpText('after', examples(['sora-kit delete video_68f0…']))
    .action(action(() => import('./commands/delete.js')));

  withWaitOptions(
    withApiOptions(
      program
        .command('remix')
        .summary('make a new video from a completed one and a new prompt')
        .description(
          'Starts a remix of a completed video (same model, size and seconds), waits for it and downloads the MP4.',
        )
        .argument('<id>', 'the completed video to remix (video_…)')
        .argument('<prompt>', 'what to change')
        .option('--no-wait', 'print the new job id and return without waiting'),
    ),
    'the MP4',
  )
    .addHelpText(
      'after',
      examples([
        'sora-kit remix video_68f0… "Same farmyard, but at night under a full moon" -o night.mp4',
        'sora-kit remix video_68f0… "now in watercolour" --no-wait',
      ]),
    )
    .action(action(() => import('./commands/remix.js')));

  withApiOptions(
    program
      .command('batch')
      .summary('run many prompts from a JSONL file; resumable')
      .description(
        [
          'Runs one job per line of a JSONL file, at most --concurrency at a time, and downloads each video into --out-dir.',
          'Every job id is written to <out-dir>/manifest.jsonl as soon as it exists, so running the same command again after a crash or Ctrl-C resumes: it never creates a job twice, and downloads what is missing. A 429 pauses every worker for the Retry-After the server asked for.',
          'Each line is a prompt (a JSON string) or an object whose only required field is "prompt"; "input_reference" is relative to the JSONL file, "output" to --out-dir.',
        ].join('\n\n'),
      )
      .argument('<prompts.jsonl>', 'the jobs, one JSON object (or JSON string) per line')
      .option('-c, --concurrency <n>', 'jobs in flight at once (1-100)', integer('--concurrency', 1, 100), 4)
      .option('-d, --out-dir <dir>', 'where the videos and manifest.jsonl go', '.')
      .option('-f, --force', 'overwrite output files that exist but are not in the manifest')
      .option(
        '--max-line-bytes <n>',
        'refuse a jobs file with a line longer than this (default 1048576: 1 MiB)',
        integer('--max-line-bytes', 1024, 64 << 20),
      )
      .option(
        '--max-jobs <n>',
        'refuse a jobs file with more jobs than this (default 100000)',
        integer('--max-jobs', 1, 10_000_000),
      )
      .option(
        '--queue [redis-url]',
        'add the jobs to a shared queue (@sora-kit/queue, installed beside the CLI) that `sora-kit worker`s run, instead of running them here; the URL defaults to $SORA_QUEUE_URL. `batch status --queue` prints its counts',
      )
      .option('--queue-name <name>', 'the queue on that Redis (default: sora-videos)')
      .option('--no-wait', 'with --queue: add the jobs and exit, without following them'),
    true,
  )
    .addHelpText(
      'after',
      `
A jobs file:
  "a tiger breaks into a farmyard"
  {"prompt": "the dog runs", "seconds": "8"}
  {"prompt": "the cat drives the tiger off", "model": "sora-2", "size": "1280x720", "input_reference": "cat.png", "output": "cat.mp4"}
${examples([
  'sora-kit batch prompts.jsonl --out-dir videos',
  'sora-kit batch prompts.jsonl --out-dir videos --concurrency 10   # after Ctrl-C: run it again to resume',
  'sora-kit batch prompts.jsonl --out-dir videos --json > events.jsonl',
])}`,
    )
    .action(action(() => import('./commands/batch.js')));

  withApiOptions(
    program
      .command('worker')
      .summary('run jobs from a shared queue (Redis) until Ctrl-C')
      .description(
        [
          'Runs the jobs that `sora-kit batch --queue` (or @sora-kit/queue) adds to a queue on Redis, --concurrency at a time, and downloads each video into --out-dir. Start one on every machine that should render: they share one queue and one rate limit, a 429 pauses all of them, and a job whose worker dies is resumed by another without a second create.',
          'Ctrl-C or SIGTERM hands the running jobs back to the queue at once; each resumes on another worker (or when a worker starts again), polling the video it already has. While Redis is unreachable it says so once per reconnect attempt and keeps trying.',
          'Needs @sora-kit/queue installed beside the CLI: npm i -g @sora-kit/cli @sora-kit/queue',
        ].join('\n\n'),
      )
      .option('--queue [redis-url]', 'the Redis of the queue (default: $SORA_QUEUE_URL)')
      .option('--queue-name <name>', 'the queue on that Redis (default: sora-videos)')
      .option(
        '-c, --concurrency <n>',
        'jobs at once in this worker (1-100)',
        integer('--concurrency', 1, 100),
        4,
      )
      .option('-d, --out-dir <dir>', 'where the videos go', '.')
      .option(
        '--rate-limit <jobs-per-minute>',
        'jobs started per minute across every worker of the queue',
        integer('--rate-limit', 1, 100_000),
      ),
  )
    .addHelpText(
      'after',
      examples([
        'sora-kit worker --queue redis://127.0.0.1:6379/0 --concurrency 10 --out-dir videos',
        'SORA_QUEUE_URL=redis://:secret@redis:6379/0 sora-kit worker --rate-limit 20',
        'sora-kit batch prompts.jsonl --queue redis://127.0.0.1:6379/0   # enqueue and follow',
        'sora-kit batch status --queue redis://127.0.0.1:6379/0 --json',
      ]),
    )
    .action(action(() => import('./commands/worker.js')));

  program
    .command('emulator')
    .summary('run a local emulator of the API; other commands reach it with --emulator')
    .description(
      'Runs @sora-kit/emulator, a local server of the same API, in the foreground. While it runs, every other command reaches it with --emulator. `sora-kit emulator --help` shows its options.',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', "the emulator's flags (see sora-kit emulator --help)")
    .addHelpText(
      'after',
      examples([
        'sora-kit emulator --port 4010 --job-seconds 5',
        'sora-kit generate --emulator "a tiger" --no-wait       # in another terminal',
        'sora-kit status --emulator video_…',
        'SORA_BASE_URL=http://127.0.0.1:4010 SORA_API_KEY=any sora-kit generate "a tiger"',
      ]),
    )
    .action(async (flags: string[] = []) => {
      await dispatch(() => import('./commands/emulator.js'), flags, {}, 'emulator');
    });

  return program;
}
