import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { transform } from 'esbuild';
import { type ComponentType, StrictMode } from 'react';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startKeyProxy } from './key-proxy.js';
import { emulatorForFile, KEY, requestsTo } from './support.js';

const f = emulatorForFile({ jobSeconds: 1 });
let proxy: Awaited<ReturnType<typeof startKeyProxy>>;
beforeAll(async () => {
  // The page's origin serves /api/sora (the quick start's baseUrl), as @sora-kit/server would.
  proxy = await startKeyProxy(f.emu.url, KEY, '/api/sora');
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${proxy.url}/`);
});
afterAll(() => proxy?.close());

/** The README's quick start, as written, made runnable: TSX to JS, package imports to the sources. */
async function quickStart(): Promise<{ App: ComponentType; lines: number }> {
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const code = /```tsx\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no tsx block in the quick start');
  const { code: js } = await transform(code, { loader: 'tsx', jsx: 'automatic', format: 'esm' });
  const dir = join(import.meta.dirname, '..', '.readme-test');
  const { mkdir, writeFile, rm } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `quick-start-${process.env.REACT_MAJOR}.mjs`);
  await writeFile(
    file,
    js.replaceAll("'@sora-kit/react'", `'${join(import.meta.dirname, '..', 'src', 'index.ts')}'`),
  );
  try {
    return {
      App: (await import(/* @vite-ignore */ file)).App,
      lines: code.split('\n').filter((l) => l.trim()).length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the quick start renders, creates one job on a double click, shows its progress and plays it', async () => {
  const { App, lines } = await quickStart();
  expect(lines).toBeLessThanOrEqual(15); // the quick start stays a 15-line page
  f.emu.clearRequests();
  render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  const button = screen.getByRole('button', { name: 'Generate' });
  fireEvent.click(button);
  fireEvent.click(button);
  await waitFor(() => expect(document.querySelector('video')).not.toBeNull(), { timeout: 15_000 });
  const src = document.querySelector('video')?.getAttribute('src') ?? '';
  const [create] = requestsTo(f.emu, 'POST', '/v1/videos');
  expect(requestsTo(f.emu, 'POST', '/v1/videos')).toHaveLength(1);
  const id = f.emu.videos().at(-1)?.id;
  expect(src).toBe(`/api/sora/v1/videos/${id}/content`);
  expect(create?.idempotencyKey).toMatch(/^sora-kit-/);
  expect(document.querySelector('progress')?.getAttribute('value')).toBe('100');
  expect(document.body.textContent).toContain('completed');
  // What the <video> loads: the MP4, through the handler, from the page's origin.
  const media = await fetch(new URL(src, `${proxy.url}/`));
  expect(media.headers.get('content-type')).toBe('video/mp4');
});
