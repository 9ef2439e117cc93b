import { APIUserAbortError } from '@sora-kit/core';

/** Whether the page is hidden (a background tab, a minimised window). Never hidden outside a browser. */
export const isHidden = (): boolean =>
  typeof document !== 'undefined' && document.visibilityState === 'hidden';

/**
 * Waits `ms`, but never ends while the page is hidden: a wait that ran out while hidden ends when the page
 * shows again, and so does any wait during which the page was hidden (a returning user sees fresh data at
 * once). `wake` (given the function that ends the wait now) lets a caller cut it short.
 */
export function pause(ms: number, signal: AbortSignal, wake?: (now: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let wasHidden = isHidden();
    const finish = () => {
      clearTimeout(timer);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', changed);
      signal.removeEventListener('abort', aborted);
    };
    const go = () => {
      finish();
      resolve();
    };
    const aborted = () => {
      finish();
      reject(new APIUserAbortError());
    };
    const changed = () => {
      if (isHidden()) wasHidden = true;
      else if (wasHidden) go();
    };
    const timer = setTimeout(() => {
      if (isHidden()) wasHidden = true;
      else go();
    }, ms);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', changed);
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted);
    wake?.(go);
  });
}
