/**
 * Ctrl-C handling. The first SIGINT (or SIGTERM) aborts the command's signal: the command stops waiting,
 * removes any partial file, prints how to resume and exits 130. A second Ctrl-C exits at once, for when
 * cleaning up hangs.
 */
import { ExitCode } from './exit-codes.js';

export interface InterruptTrap {
  readonly signal: AbortSignal;
  /** Removes the handlers (the default Ctrl-C behaviour returns). */
  dispose(): void;
}

export function trapInterrupts(
  onSecond: () => void = () => process.exit(ExitCode.Interrupted),
): InterruptTrap {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      onSecond();
      return;
    }
    controller.abort(Object.assign(new Error('Interrupted'), { name: 'AbortError', signal }));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
