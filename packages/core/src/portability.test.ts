import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** The exact import graph of a built entry, as esbuild resolves it. */
async function importGraph(entry: string, platform: 'browser' | 'node') {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const inputs = Object.entries(result.metafile.inputs);
  return {
    files: inputs.map(([file]) => file),
    external: [
      ...new Set(inputs.flatMap(([, input]) => input.imports.filter((i) => i.external).map((i) => i.path))),
    ],
  };
}

describe('portability of the built package (run `pnpm build` first)', () => {
  test.runIf(existsSync(join(dist, 'index.js')))(
    'the main entry bundles for browsers and imports no node: module',
    async () => {
      // platform: 'browser' fails to resolve any `node:` import, so a successful build is the proof.
      const { files, external } = await importGraph(join(dist, 'index.js'), 'browser');
      expect(external).toEqual([]);
      const own = files.filter((f) => f.startsWith('dist/'));
      // The entry and the chunk it shares with /node (build.mjs), never a file of /node.
      expect(own).toContain('dist/index.js');
      expect(own.some((f) => f.startsWith('dist/node/'))).toBe(false);
      expect(files.filter((f) => !own.includes(f)).every((f) => f.includes('openapi-fetch'))).toBe(true);
      // Every built file outside dist/node, reachable or not.
      const all = (await readdir(dist, { recursive: true }))
        .filter((f) => f.endsWith('.js') && !f.startsWith('node/'))
        .map((f) => join('dist', f));
      expect(all).toEqual(expect.arrayContaining(own));
      for (const file of all) {
        const code = await readFile(join(root, file), 'utf8');
        // esbuild drops a bare `import 'node:x'` of a sideEffects-free package unseen: scan the text too.
        expect(code, file).not.toMatch(/['"`]node:|\bprocess\.env\b|\bBuffer\.|\brequire\(/);
      }
    },
  );

  test.runIf(existsSync(join(dist, 'node', 'index.js')))(
    'node: modules live in the /node entry',
    async () => {
      const { external } = await importGraph(join(dist, 'node', 'index.js'), 'node');
      expect(external).toEqual(expect.arrayContaining(['node:fs/promises', 'node:path', 'node:crypto']));
      await expect(importGraph(join(dist, 'node', 'index.js'), 'browser')).rejects.toThrow();
    },
  );
});
