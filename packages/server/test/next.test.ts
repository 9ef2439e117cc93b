// The README's Next.js route, as written, in a real Next.js 16 app: `next build`, then `next start`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, test } from 'vitest';
import { AUTH_MODULE, exercise, packageDir, scratch, snippet } from './snippets.js';
import { emulator, KEY } from './support.js';

const nextBin = join(packageDir, 'node_modules', 'next', 'dist', 'bin', 'next');
let emu: RunningEmulator;
let project: Awaited<ReturnType<typeof scratch>>;
let server: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  emu = await emulator({ jobSeconds: 0.2 });
  project = await scratch({
    'app/api/sora/[...path]/route.ts': await snippet('next'),
    'lib/auth.ts': AUTH_MODULE,
    'package.json': JSON.stringify({ private: true, type: 'module' }),
    'next.config.mjs': 'export default { typescript: { ignoreBuildErrors: false } };\n',
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['dom', 'dom.iterable', 'esnext'],
        module: 'esnext',
        moduleResolution: 'bundler',
        strict: true,
        jsx: 'preserve',
        noEmit: true,
        skipLibCheck: true,
        isolatedModules: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        incremental: false,
        plugins: [{ name: 'next' }],
        paths: { '@/*': ['./*'] },
      },
      include: ['**/*.ts'],
      exclude: ['node_modules'],
    }),
  });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  // Built without the key: a route module must not need secrets at build time.
  await promisify(execFile)(process.execPath, [nextBin, 'build'], {
    cwd: project.dir,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);
afterAll(async () => {
  server?.kill();
  await emu?.close();
  await project?.remove();
});

test('the route handlers under next start', async () => {
  const port = await freePort();
  server = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: project.dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SORA_API_KEY: KEY, SORA_BASE_URL: emu.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    server!.stdout!.on('data', (d) => /Ready|started/i.test(String(d)) && resolve()),
  );
  // Next answers methods a route does not export (PUT) with its own 405.
  await exercise(`http://127.0.0.1:${port}`);
}, 120_000);
