import type { Output } from '../output.js';
import { JsonProgress } from './json-progress.js';
import { PlainProgress } from './plain-progress.js';
import type { ProgressReporter } from './progress.js';
import { silentProgress } from './progress.js';
import { TerminalProgress } from './terminal-progress.js';

/**
 * The display for the output mode: JSON lines with `--json`, nothing with `--quiet`, a redrawn line when
 * stderr is a terminal, plain lines otherwise.
 */
export function createProgress(out: Output, id: () => string | undefined): ProgressReporter {
  if (out.json) return new JsonProgress(out, id);
  if (out.quiet) return silentProgress;
  return out.interactive ? new TerminalProgress(out) : new PlainProgress(out);
}
