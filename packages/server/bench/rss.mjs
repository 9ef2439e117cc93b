// Resident memory of another process (a server of the bench), read from Linux's /proc: its peak so far
// (VmHWM, what GNU time reports for a whole run) and its current size (VmRSS), in MB (MiB); and the CPU
// time it has used so far (user + system). NaN elsewhere.
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

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on every Linux the bench runs on). */
const TICKS_PER_SECOND = 100;

/** The CPU time (user + system) process `pid` has used since it started, in seconds. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so it is skipped by its closing parenthesis):
    // state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
