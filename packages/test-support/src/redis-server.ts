/**
 * A real `redis-server` (Debian's package) for tests and benches: started on a free loopback port with
 * nothing persisted, stopped after. No Redis mock anywhere: BullMQ's Lua scripts are what is under test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { freePort } from './free-port.js';

export interface RunningRedis {
  /** `redis://127.0.0.1:PORT/0`, with `:password@` when it has one. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** `--requirepass`: clients must send it. Default: none. */
  password?: string | undefined;
  /** The port, e.g. to start Redis again where a stopped one was. Default: a free one. */
  port?: number | undefined;
}

const ping = (port: number, password?: string) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1', () =>
      socket.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n'),
    );
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString();
      if (!answer.includes('\r\n', password ? answer.indexOf('\r\n') + 2 : 0)) return;
      socket.destroy();
      resolve(answer.endsWith('+PONG\r\n'));
    });
  });

/** Starts `redis-server` on a free port (a few tries, in case another process takes the port first). */
export async function startRedis(options: RedisServerOptions = {}): Promise<RunningRedis> {
  let lastError = '';
  const { password } = options;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    const child: ChildProcess = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
        ...(password ? ['--requirepass', password] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (error) => {
      lastError = `${error.message} (install it: apt-get install redis-server)`;
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null && !lastError) {
      if (await ping(port, password)) {
        return {
          url: `redis://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}/0`,
          port,
          async stop() {
            child.kill('SIGKILL');
            await exited;
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    lastError ||= stderr || 'redis-server did not answer PING';
  }
  throw new Error(`could not start redis-server: ${lastError}`);
}
