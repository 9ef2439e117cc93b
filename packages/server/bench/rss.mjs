// Resident memory of another process (a server of the bench), read from Linux's /proc: its peak so far
// (VmHWM, what GNU time reports for a whole run) and its current size (VmRSS), in MB (MiB). NaN elsewhere.
import { readFileSync } from 'node:fs';

function field(pid, name) {
  try {
    const kB = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kB ? Number(kB[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The largest resident memory of process `pid` since it started, MB. */
export const peakRssMB = (pid) => field(pid, 'VmHWM');
/** The resident memory of process `pid` now, MB. */
export const rssMB = (pid) => field(pid, 'VmRSS');
