import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSoraClient } from '@sora-kit/core';
import { expect } from 'vitest';
import { readEvents } from './sse-reader.js';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A README code block, by the `<!-- snippet: NAME -->` marker before it: the tests run what users copy. */
export async function snippet(name: string): Promise<string> {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README has no snippet ${name}`);
  return match[1]!;
}

/** The sign-in the snippets import as `currentUserId`: here, a `session=<user>` test cookie. */
export const AUTH_MODULE = `export async function currentUserId(request: Request): Promise<string | null> {
  return /(?:^|;\\s*)session=([a-z]+)/.exec(request.headers.get('cookie') ?? '')?.[1] ?? null;
}
`;

/**
 * A scratch project inside this package (so its node_modules resolve `hono`, `express`, `next`…) where
 * `@sora-kit/server` is the built package itself, as an app that installed it would import it.
 */
export async function scratch(
  files: Record<string, string>,
): Promise<{ dir: string; remove(): Promise<void> }> {
  await mkdir(join(packageDir, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(packageDir, '.tmp', 'app-'));
  await mkdir(join(dir, 'node_modules', '@sora-kit'), { recursive: true });
  await symlink(packageDir, join(dir, 'node_modules', '@sora-kit', 'server'), 'dir');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The same checks for every adapter: the browser-mode client works, users are apart, cross-site and odd methods are refused. */
export async function exercise(origin: string, options: { putStatus?: number } = {}): Promise<void> {
  const headers = (user: string) => ({ cookie: `session=${user}`, origin });
  const alice = createSoraClient({
    apiKey: null,
    baseUrl: `${origin}/api/sora`,
    headers: headers('alice'),
    maxRetries: 0,
  });
  const video = await alice.videos.createAndPoll({ prompt: 'through the adapter' });
  expect(video.status).toBe('completed');
  const content = `${origin}/api/sora/v1/videos/${video.id}/content`;
  const whole = await fetch(content, { headers: headers('alice') });
  expect(whole.status).toBe(200);
  const size = (await whole.arrayBuffer()).byteLength;
  expect(size).toBeGreaterThan(1000);
  const part = await fetch(content, { headers: { ...headers('alice'), range: 'bytes=10-19' } });
  expect(part.status).toBe(206);
  expect((await part.arrayBuffer()).byteLength).toBe(10);
  expect((await alice.videos.list()).data.map((v) => v.id)).toContain(video.id);
  expect((await fetch(content, { headers: headers('bob') })).status).toBe(404);
  expect(
    (await fetch(`${origin}/api/sora/v1/videos`, { headers: headers('bob') }).then((r) => r.json())).data,
  ).toEqual([]);
  const crossSite = await fetch(`${origin}/api/sora/v1/videos`, {
    method: 'POST',
    headers: { cookie: 'session=alice', origin: 'http://evil.example', 'content-type': 'application/json' },
    body: '{"prompt":"p"}',
  });
  expect(crossSite.status).toBe(403);
  expect((await fetch(`${origin}/api/sora/v1/videos`)).status).toBe(401);
  expect(
    (await fetch(`${origin}/api/sora/v1/videos`, { method: 'PUT', headers: headers('alice') })).status,
  ).toBe(options.putStatus ?? 405);
  expect((await fetch(`${origin}/api/sora/v1/files`, { headers: headers('alice') })).status).toBe(404);
  // The job event stream through the adapter: states pushed as they change, closed after the end.
  const streamed = await alice.videos.create({ prompt: 'streamed through the adapter' });
  const events = `${origin}/api/sora/v1/videos/${streamed.id}/events`;
  const stream = await fetch(events, { headers: headers('alice') });
  expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const states = (await readEvents(stream)).map((e) => JSON.parse(e.data).status);
  expect(states.at(-1)).toBe('completed');
  expect((await fetch(events, { headers: headers('bob') })).status).toBe(404);
}
