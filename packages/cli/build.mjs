// Bundles the CLI with esbuild. `dist/cli.js` holds only the entry, commander and the command table,
// so `sora-kit --help` parses nothing else; each command is a separate chunk loaded by `import()` when it
// runs, and `@sora-kit/core` / `@sora-kit/emulator` stay external (they are dependencies, loaded lazily).
// `@sora-kit/queue` is an optional peer: its main entry stays external (loaded only by the queue commands,
// see src/queue/load-queue.ts), while its light `@sora-kit/queue/output-name` (the output-name check every
// local batch runs; no BullMQ) is bundled, so a CLI installed without the queue still checks names the
// queue's way.
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(await readFile(new URL('./package.json', import.meta.url), 'utf8'));
const outdir = new URL('./dist/', import.meta.url);

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [externals(/^@sora-kit\/(core|emulator)(\/.*)?$|^@sora-kit\/queue$/)],
  // commander is CommonJS: its `require('node:events')` & co. need a real `require` in ESM output.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  define: { __VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  minifySyntax: true,
  logLevel: 'warning',
});

/** Marks what `filter` matches as external. (esbuild's `external: ['@sora-kit/queue']` would take its
 * subpaths too, and so leave out the `output-name` check that the CLI must carry.) */
function externals(filter) {
  return {
    name: 'externals',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, external: true }));
    },
  };
}

// The entry gets the shebang (only it: chunks are plain modules) and commander's MIT notice, which its
// license asks to keep with every copy; the bundle is a copy.
const entry = new URL('cli.js', outdir);
const license = await readFile(join(dirname(require.resolve('commander')), 'LICENSE'), 'utf8');
const code = await readFile(entry, 'utf8');
await writeFile(
  entry,
  `#!/usr/bin/env node\n${code}\n/* Bundled: commander (https://github.com/tj/commander.js)\n${license.trim()}\n*/\n`,
);
await chmod(entry, 0o755);
