// @vitest-environment node
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const dist = join(import.meta.dirname, '..', 'dist');

// Next.js App Router: a server component may import the hooks' module only if it starts with the directive.
test("the built hooks and provider keep 'use client' as their first statement; /query does not have it", async () => {
  const files = await readdir(dist, { recursive: true });
  const js = files.filter((f) => f.endsWith('.js'));
  const client = [
    'index.js',
    'provider.js',
    'use-video.js',
    'use-create-video.js',
    'use-video-content.js',
    'use-videos.js',
  ];
  for (const file of client) {
    expect(js).toContain(file);
    expect((await readFile(join(dist, file), 'utf8')).startsWith("'use client';"), file).toBe(true);
  }
  for (const file of js.filter((f) => f.startsWith('query'))) {
    expect(await readFile(join(dist, file), 'utf8'), file).not.toMatch(/^['"]use client['"]/m);
  }
});
