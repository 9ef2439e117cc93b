import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The published entry uses web-standard APIs only (tsconfig.build.json builds it without Node's types), so
// the provider runs in edge runtimes too (Next.js route handlers on the edge, Workers, Deno, Bun).
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

test('no built file imports a node: module', async () => {
  const files = (await readdir(dist)).filter((f) => f.endsWith('.js'));
  expect(files).toContain('index.js');
  for (const file of files) {
    const code = await readFile(join(dist, file), 'utf8');
    expect(code, file).not.toMatch(/from ['"]node:|import\(['"]node:|require\(/);
  }
});
