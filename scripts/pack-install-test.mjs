// What a user gets from the registry, tested: packs every publishable package (`pnpm pack`, so
// `workspace:*` becomes a version), installs the tarballs with npm into a fresh project outside the
// repository, and runs them from there: the `sora-kit` CLI on its embedded emulator (ffprobe checks the
// MP4), `sora-kit worker` and `batch --queue` on a real redis-server, the core README's quick start against
// `sora-emulator`, and `import` and `require` of every export. A second project installs the CLI alone
// (cli, core, emulator): no @sora-kit/queue, no BullMQ, no install script, and the queue commands say what
// to install.
//
// Packages are found as packages/*/package.json without `"private": true`, so a new package is covered
// the day it is added. Run by `pnpm test` (after the packages are built); alone: `pnpm test:pack`.
// About 40 s on an idle 2-core machine once dist/ is built; the timeout only guards against a hang.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPOSITORY = 'https://github.com/sora-kit/sora-kit';

/** The environment of every command run here: no real API key or host can leak in, and none of the
 * `npm_config_*` variables pnpm sets for its scripts reaches npm. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(SORA_|OPENAI_|npm_|PNPM_)/i.test(k)),
);

/** The publishable packages: `{ dir, name, manifest }` for packages/* without `"private": true`. */
async function publicPackages() {
  const found = [];
  for (const entry of await readdir(join(root, 'packages'), { withFileTypes: true })) {
    const file = join(root, 'packages', entry.name, 'package.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    if (manifest.private !== true) found.push({ dir: entry.name, name: manifest.name, manifest });
  }
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}

const packages = await publicPackages();
const named = (name) => packages.find((p) => p.name === name);
let work;
/** The tarball of each package, by name. */
const tarballOf = {};
/** The installed package's folder in the temporary project (what the tarball held). */
const installed = (name) => join(work, 'project', 'node_modules', name);

async function runIn(cwd, command, args, options = {}) {
  try {
    return await run(command, args, { cwd, env: cleanEnv, maxBuffer: 64 << 20, ...options });
  } catch (error) {
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? error.message}`,
    );
  }
}

/** Every file under `dir`, as paths relative to it. */
async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath ?? entry.path, entry.name)));
  }
  return out;
}

/** Starts the installed `sora-emulator` bin on a free port; resolves once it prints its URL. */
function startInstalledEmulator(cwd, args) {
  const bin = join(cwd, 'node_modules', '.bin', 'sora-emulator');
  const child = spawn(bin, ['--port', '0', ...args], {
    cwd,
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolveUrl, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`sora-emulator did not start: ${stderr}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`sora-emulator exited (${code}): ${stderr}`)));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /^sora-emulator listening on (http:\/\/\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolveUrl({ url: match[1], child });
      }
    });
  });
}

/** A real redis-server on a free loopback port (Debian's package), for the queue commands. */
async function startRedisServer() {
  const { createServer, Socket } = await import('node:net');
  const port = await new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolvePort(free));
    });
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  const answers = () =>
    new Promise((resolveAnswer) => {
      const socket = new Socket();
      socket.once('error', () => resolveAnswer(false));
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolveAnswer(data.toString().startsWith('+PONG'));
      });
    });
  for (let i = 0; i < 200 && !(await answers()); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function ffprobe(file) {
  const { stdout } = await runIn(dirname(file), 'ffprobe', [
    ...['-v', 'error', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json'],
    file,
  ]);
  return JSON.parse(stdout);
}

describe(`packed and installed with npm: ${packages.map((p) => p.name).join(', ')}`, {
  timeout: 600_000,
}, () => {
  before(async () => {
    assert.ok(packages.length > 0, 'no publishable package found under packages/');
    work = await mkdtemp(join(tmpdir(), 'sora-kit-pack-'));
    const packs = join(work, 'packs');
    await mkdir(join(work, 'project'), { recursive: true });
    // Up to date dist/ for what is packed (a cache hit when `pnpm test` has just built it).
    const filters = packages.flatMap((p) => ['--filter', p.name]);
    await runIn(root, 'pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only']);
    const started = performance.now();
    await Promise.all(
      packages.map((p) =>
        runIn(join(root, 'packages', p.dir), 'pnpm', ['pack', '--pack-destination', packs]),
      ),
    );
    const tarballs = await readdir(packs);
    // A user's project: every tarball a direct dependency, and `overrides` so that the packages' own
    // dependencies on each other resolve to these tarballs too, never to the registry.
    const dependencies = {};
    for (const p of packages) {
      const prefix = `${p.name.replace('@', '').replace('/', '-')}-${p.manifest.version}.tgz`;
      assert.ok(tarballs.includes(prefix), `pnpm pack made no ${prefix} (made: ${tarballs.join(', ')})`);
      tarballOf[p.name] = join(packs, prefix);
      dependencies[p.name] = `file:${tarballOf[p.name]}`;
    }
    // Optional peers (e.g. @tanstack/react-query for @sora-kit/react/query) are installed as a user of that
    // entry would, so that every export can be loaded below.
    for (const p of packages) {
      for (const [peer, meta] of Object.entries(p.manifest.peerDependenciesMeta ?? {})) {
        if (meta?.optional && !(peer in dependencies)) dependencies[peer] = p.manifest.peerDependencies[peer];
      }
    }
    const overrides = Object.fromEntries(packages.map((p) => [p.name, `$${p.name}`]));
    await writeFile(
      join(work, 'project', 'package.json'),
      JSON.stringify({ name: 'a-user-project', private: true, dependencies, overrides }, null, 2),
    );
    // Third-party dependencies come from the registry (or npm's cache), ours from the tarballs.
    await runIn(join(work, 'project'), 'npm', [
      'install',
      ...['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    ]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`packed ${packages.length} packages and installed them with npm in ${seconds} s`);
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('each tarball', () => {
    for (const p of packages) {
      it(`${p.name}: LICENSE, README, repository metadata, versions instead of workspace:`, async () => {
        const dir = installed(p.name);
        const license = await readFile(join(dir, 'LICENSE'), 'utf8');
        assert.match(license, /^MIT License/, `${p.dir}/LICENSE: copy the root LICENSE into the package`);
        assert.match(license, /sora-kit contributors/);
        assert.ok(existsSync(join(dir, 'README.md')), `${p.name} has no README.md`);
        const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
        assert.deepEqual(
          manifest.repository,
          { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${p.dir}` },
          `${p.dir}/package.json: "repository" must name the repository and the package's directory`,
        );
        assert.equal(manifest.homepage, `${REPOSITORY}/tree/main/packages/${p.dir}#readme`);
        assert.deepEqual(manifest.bugs, { url: `${REPOSITORY}/issues` });
        for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
          for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
            assert.doesNotMatch(range, /^workspace:/, `${p.name} ${field}.${dep} is still ${range}`);
          }
        }
      });

      it(`${p.name}: every bin is in the tarball, and no source map comment points at a missing file`, async () => {
        const dir = installed(p.name);
        const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
        const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
        for (const bin of bins) {
          const info = await stat(join(dir, bin));
          assert.ok(info.isFile(), `${p.name}: bin ${bin} is not in the tarball`);
          assert.match(
            await readFile(join(dir, bin), 'utf8'),
            /^#!\/usr\/bin\/env node\n/,
            `${bin}: shebang`,
          );
        }
        for (const file of await files(dir)) {
          if (!/\.(c|m)?(js|ts)$/.test(file)) continue;
          const text = await readFile(join(dir, file), 'utf8');
          for (const [, target] of text.matchAll(/^\/[/*][#@] sourceMappingURL=(\S+?)(?:\s*\*\/)?$/gm)) {
            if (target.startsWith('data:')) continue;
            assert.ok(
              existsSync(join(dir, dirname(file), target)),
              `${p.name}/${file} points at ${target}, which the tarball does not ship`,
            );
          }
        }
      });

      it(`${p.name}: links in its Markdown files are absolute or point at files in the tarball`, async () => {
        const dir = installed(p.name);
        const broken = [];
        for (const doc of (await files(dir)).filter((f) => f.endsWith('.md'))) {
          const text = await readFile(join(dir, doc), 'utf8');
          for (const [, link] of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
            if (/^(https?:|mailto:|#)/.test(link)) continue;
            const target = resolve(dir, dirname(doc), link.replace(/#.*$/, ''));
            if (!target.startsWith(`${dir}/`) || !existsSync(target)) broken.push(`${doc}: ${link}`);
          }
        }
        assert.deepEqual(
          broken,
          [],
          `${p.name}: links to what the tarball does not ship; use ${REPOSITORY}/…`,
        );
      });

      it(`${p.name}: every export loads with import and with require`, async () => {
        const manifest = JSON.parse(await readFile(join(installed(p.name), 'package.json'), 'utf8'));
        // JavaScript entries only (./package.json needs an import attribute, and patterns name no file).
        const subpaths = Object.keys(manifest.exports ?? { '.': manifest.main }).filter(
          (s) => !s.includes('*') && !s.endsWith('.json'),
        );
        const specifiers = subpaths.map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`));
        const script = `
          const specifiers = ${JSON.stringify(specifiers)};
          for (const s of specifiers) {
            const viaImport = await import(s);
            const viaRequire = require(s);
            if (Object.keys(viaImport).length === 0) throw new Error('import(' + s + ') exports nothing');
            for (const key of Object.keys(viaImport)) {
              if (key !== 'default' && viaRequire[key] !== viaImport[key]) throw new Error('require(' + s + ').' + key + ' differs');
            }
          }
          console.log('ok');`;
        const file = join(work, 'project', `load-${p.dir}.cjs`);
        await writeFile(
          file,
          `(async () => {${script}})().catch((e) => { console.error(e); process.exit(1); });\n`,
        );
        const { stdout } = await runIn(join(work, 'project'), process.execPath, [file]);
        assert.equal(stdout.trim(), 'ok');
      });
    }
  });

  it('npx sora-kit generate --emulator writes a playable MP4', {
    skip: !named('@sora-kit/cli'),
  }, async () => {
    const project = join(work, 'project');
    const output = join(project, 'tiger.mp4');
    const { stdout } = await runIn(project, 'npx', [
      ...['--no', 'sora-kit', 'generate', 'A fierce tiger bursts into a farmyard'],
      ...['--emulator', '--job-seconds', '0.5', '--seconds', '4', '--size', '1280x720'],
      ...['--output', output, '--quiet'],
    ]);
    assert.equal(resolve(project, stdout.trim()), output); // the saved path, on stdout in a pipe
    const info = await ffprobe(output);
    assert.deepEqual(info.streams, [{ codec_name: 'h264', width: 1280, height: 720 }]);
    assert.ok(Math.abs(Number(info.format.duration) - 4) < 0.1, `duration ${info.format.duration}`);
  });

  it('sora-kit worker and batch --queue, with @sora-kit/queue installed beside the CLI, on a real redis-server', {
    skip: !named('@sora-kit/cli') || !named('@sora-kit/queue'),
  }, async () => {
    const project = join(work, 'project');
    const redis = await startRedisServer();
    const { url, child } = await startInstalledEmulator(project, ['--job-seconds', '0.3', '--quiet']);
    const env = { ...cleanEnv, SORA_API_KEY: 'sk-local', SORA_BASE_URL: url, SORA_QUEUE_URL: redis.url };
    const worker = spawn(
      join(project, 'node_modules', '.bin', 'sora-kit'),
      [...['worker', '--queue', '--queue-name', 'pack', '--out-dir', 'queued', '--json']],
      { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await writeFile(
        join(project, 'queued.jsonl'),
        `${JSON.stringify({ prompt: 'a queued tiger', output: 'tiger.mp4' })}\n`,
      );
      const batch = await runIn(
        project,
        'npx',
        ['--no', 'sora-kit', 'batch', 'queued.jsonl', '--queue', '--queue-name', 'pack'],
        { env },
      );
      assert.match(batch.stderr, /1 completed, 0 failed/);
      const info = await ffprobe(join(project, 'queued', 'tiger.mp4'));
      assert.equal(info.streams[0].codec_name, 'h264');
      const status = await runIn(
        project,
        'npx',
        ['--no', 'sora-kit', 'batch', 'status', '--queue', '--queue-name', 'pack', '--json'],
        { env },
      );
      assert.deepEqual(
        [JSON.parse(status.stdout)].map(({ type, completed, failed }) => ({ type, completed, failed })),
        [{ type: 'counts', completed: 1, failed: 0 }],
      );
    } finally {
      const exited = new Promise((resolveExit) => worker.once('exit', (code) => resolveExit(code)));
      worker.kill('SIGTERM');
      assert.equal(await exited, 0, 'the worker stops on SIGTERM with exit 0');
      child.kill('SIGTERM');
      await redis.stop();
    }
  });

  describe('the CLI alone (cli, core, emulator: what `npx @sora-kit/cli` installs)', {
    skip: !named('@sora-kit/cli'),
  }, () => {
    let lean;
    before(async () => {
      lean = join(work, 'lean');
      await mkdir(lean, { recursive: true });
      const only = ['@sora-kit/cli', '@sora-kit/core', '@sora-kit/emulator'].filter(named);
      const project = JSON.parse(await readFile(join(work, 'project', 'package.json'), 'utf8'));
      const pick = (map) => Object.fromEntries(only.map((name) => [name, map[name]]));
      await writeFile(
        join(lean, 'package.json'),
        JSON.stringify(
          {
            name: 'a-lean-project',
            private: true,
            dependencies: pick(project.dependencies),
            overrides: pick(project.overrides),
          },
          null,
          2,
        ),
      );
      await runIn(lean, 'npm', [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
      ]);
    });

    it('installs neither @sora-kit/queue nor BullMQ, and no package with an install script', async () => {
      const modules = join(lean, 'node_modules');
      for (const name of ['@sora-kit/queue', 'bullmq', 'ioredis', 'msgpackr']) {
        assert.ok(!existsSync(join(modules, name)), `${name} is installed with the CLI alone`);
      }
      const manifests = (await files(modules)).filter(
        (f) => /(^|\/)package\.json$/.test(f) && !f.includes('/test/'),
      );
      for (const file of manifests) {
        const { name, scripts = {} } = JSON.parse(await readFile(join(modules, file), 'utf8'));
        for (const hook of ['preinstall', 'install', 'postinstall']) {
          assert.ok(!scripts[hook], `${name ?? file} has an ${hook} script`);
        }
      }
    });

    it('the queue commands say what to install: exit 2, one message, no stack', async () => {
      await writeFile(join(lean, 'jobs.jsonl'), '"a tiger"\n');
      for (const args of [
        ['batch', 'jobs.jsonl', '--queue', 'redis://127.0.0.1:6379/0'],
        ['batch', 'status', '--queue', 'redis://127.0.0.1:6379/0'],
        ['worker', '--queue', 'redis://127.0.0.1:6379/0'],
      ]) {
        const failed = await run('npx', ['--no', 'sora-kit', ...args], {
          cwd: lean,
          env: { ...cleanEnv, SORA_API_KEY: 'sk-x' },
        }).then(
          () => assert.fail(`sora-kit ${args.join(' ')} succeeded without @sora-kit/queue`),
          (error) => error,
        );
        assert.equal(failed.code, 2, `sora-kit ${args.join(' ')}: ${failed.stderr}`);
        assert.match(failed.stderr, /^error: install @sora-kit\/queue to use --queue/m);
        assert.doesNotMatch(failed.stderr, /^\s+at /m);
      }
      // Everything else works without it.
      const local = await runIn(lean, 'npx', [
        '--no',
        'sora-kit',
        'batch',
        'jobs.jsonl',
        '--emulator',
        '--job-seconds',
        '0.3',
        '--out-dir',
        'out',
        '--quiet',
      ]);
      assert.equal(local.stderr, '');
      assert.ok(existsSync(join(lean, 'out', 'line-001.mp4')));
    });
  });

  it("core's README quick start (ESM) and a CommonJS caller, against the installed sora-emulator", {
    skip: !named('@sora-kit/core') || !named('@sora-kit/emulator'),
  }, async () => {
    const project = join(work, 'project');
    const { url, child } = await startInstalledEmulator(project, ['--job-seconds', '0.3', '--quiet']);
    try {
      // The quick start exactly as the installed README shows it, with the offline recipe's variables.
      const readme = await readFile(join(installed('@sora-kit/core'), 'README.md'), 'utf8');
      const quickStart = /## Quick start[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
      assert.ok(quickStart, 'the core README has no js block under "Quick start"');
      await writeFile(join(project, 'quickstart.mjs'), quickStart);
      // ...run as its offline recipe says: the variables of its `... node quickstart.mjs` line, with
      // the emulator's real address (it listens on a free port here, 4010 in the recipe).
      const recipe = /^((?:[A-Z_]+=\S+ )+)node quickstart\.mjs$/m.exec(readme)?.[1];
      assert.ok(recipe, 'the core README has no "VAR=value node quickstart.mjs" offline recipe');
      const variables = Object.fromEntries(
        recipe
          .trim()
          .split(' ')
          .map((pair) => pair.split('=')),
      );
      assert.deepEqual(Object.keys(variables).sort(), ['SORA_API_KEY', 'SORA_BASE_URL']);
      assert.equal(variables.SORA_BASE_URL, 'http://127.0.0.1:4010', 'the recipe names the emulator default');
      const env = { ...cleanEnv, ...variables, SORA_BASE_URL: url };
      const esm = await runIn(project, process.execPath, ['quickstart.mjs'], { env });
      assert.match(esm.stdout, /^completed 100$/m);
      const saved = /^saved (\d+) bytes to (.+\.mp4)$/m.exec(esm.stdout);
      assert.ok(saved, esm.stdout);
      assert.equal((await stat(resolve(project, saved[2]))).size, Number(saved[1]));
      assert.equal((await ffprobe(resolve(project, saved[2]))).streams[0].codec_name, 'h264');

      await writeFile(
        join(project, 'commonjs.cjs'),
        `const { createSoraClient, ValidationError } = require('@sora-kit/core');
          const { downloadToFile } = require('@sora-kit/core/node');
          (async () => {
            const client = createSoraClient({ apiKey: 'sk-local', baseUrl: process.argv[2] });
            try { await client.videos.create({ prompt: 'x', seconds: 5 }); } catch (e) { if (!ValidationError.isInstance(e)) throw e; }
            const video = await client.videos.createAndPoll({ prompt: 'A calico cat', seconds: '4' });
            const { bytes } = await downloadToFile(client, video.id, 'cjs.mp4');
            console.log(video.status, bytes);
          })().catch((e) => { console.error(e); process.exit(1); });\n`,
      );
      const cjs = await runIn(project, process.execPath, ['commonjs.cjs', url]);
      assert.match(cjs.stdout, /^completed \d+$/m);
      assert.equal((await ffprobe(join(project, 'cjs.mp4'))).streams[0].codec_name, 'h264');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it("ai-sdk: the README's install line as written (ai@7 named, npm's engine warning on Node 20), then its quick start", {
    skip: !named('@sora-kit/ai-sdk') || !named('@sora-kit/emulator'),
  }, async () => {
    const readme = await readFile(join(installed('@sora-kit/ai-sdk'), 'README.md'), 'utf8');
    const line = /^npm install (@sora-kit\/ai-sdk\b.*)$/m.exec(readme)?.[1];
    assert.ok(line, 'the ai-sdk README has no `npm install @sora-kit/ai-sdk …` line');
    const args = line.trim().split(/\s+/);
    // A bare `ai` installs ai 6 on Node 20 (npm picks the newest release whose engines fit).
    assert.ok(args.includes('ai@7'), `the install line must name ai@7: ${line}`);
    // A project of its own, installed exactly as the line says; our packages from their tarballs (the
    // overrides reach @sora-kit/core, a dependency of the provider), everything else from the registry.
    const project = join(work, 'ai-sdk-project');
    await mkdir(project);
    const overrides = Object.fromEntries(
      packages.filter((p) => p.name !== '@sora-kit/ai-sdk').map((p) => [p.name, `file:${tarballOf[p.name]}`]),
    );
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'an-ai-sdk-user', private: true, type: 'module', overrides }, null, 2),
    );
    const installArgs = args.map((a) => (a === '@sora-kit/ai-sdk' ? tarballOf[a] : a));
    const { stderr } = await runIn(project, 'npm', [
      ...['install', ...installArgs, '--no-audit', '--no-fund', '--prefer-offline'],
    ]);
    const ai = JSON.parse(await readFile(join(project, 'node_modules', 'ai', 'package.json'), 'utf8'));
    assert.equal(ai.version.split('.')[0], '7', `installed ai@${ai.version}`);
    // What the README says npm prints: an engine warning on Node 20, none on 22 and 24.
    const major = Number(process.versions.node.split('.')[0]);
    const enginesMet = major >= Number(/\d+/.exec(ai.engines?.node ?? '0')[0]);
    if (enginesMet) assert.doesNotMatch(stderr, /EBADENGINE/, stderr);
    else assert.match(stderr, /EBADENGINE[^\n]*\n?[^\n]*'ai@7/, stderr);

    // The quick start (the block that imports the provider), with one line that shows what it made.
    const quickStart = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .find((code) => code.includes("from '@sora-kit/ai-sdk'") && code.includes('generateVideo({'));
    assert.ok(quickStart, 'the ai-sdk README has no quick start that imports @sora-kit/ai-sdk');
    await writeFile(
      join(project, 'quickstart.mjs'),
      `${quickStart}console.log(video.mediaType, video.uint8Array.length);\n`,
    );
    const { url, child } = await startInstalledEmulator(join(work, 'project'), [
      '--job-seconds',
      '0.3',
      '--quiet',
    ]);
    try {
      const env = { ...cleanEnv, SORA_API_KEY: 'sk-local', SORA_BASE_URL: url };
      const { stdout } = await runIn(project, process.execPath, ['quickstart.mjs'], { env });
      const [mediaType, bytes] = stdout.trim().split(' ');
      assert.equal(mediaType, 'video/mp4');
      assert.ok(Number(bytes) > 10_000, stdout);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
