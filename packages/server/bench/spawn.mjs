import { fork, spawn } from 'node:child_process';

/** Starts a server process and waits for its `listening on PORT` line (any text before it is ignored). */
export function startChild(command, args, env = {}, ipc = false) {
  const child = ipc
    ? fork(args[0], args.slice(1), {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      })
    : spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
    child.stdout.on('data', (data) => {
      out += data;
      const match = /listening on (?:http:\/\/127\.0\.0\.1:)?(\d+)/.exec(out);
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}
