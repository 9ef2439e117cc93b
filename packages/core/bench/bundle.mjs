// Browser bundle of one whole job (create, poll to completion, download) with @sora-kit/core and with the
// official `openai` SDK, minified and gzipped the same way. openai@6 has no poll helper, so its entry
// polls with a loop of `retrieve` calls, as its users write it.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entries = {
  '@sora-kit/core': `
    import { createSoraClient } from '@sora-kit/core';
    const client = createSoraClient({ apiKey: null, baseUrl: '/api/sora' });
    export async function run(prompt, onProgress) {
      const video = await client.videos.createAndPoll({ prompt, seconds: '8' }, { onProgress });
      const response = await client.videos.downloadContent(video.id);
      return response.blob();
    }`,
  openai: `
    import OpenAI from 'openai';
    const client = new OpenAI({ apiKey: 'unused', baseURL: '/api/sora/v1', dangerouslyAllowBrowser: true });
    export async function run(prompt, onProgress) {
      let video = await client.videos.create({ prompt, seconds: '8' });
      while (video.status === 'queued' || video.status === 'in_progress') {
        onProgress?.(video);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        video = await client.videos.retrieve(video.id);
      }
      if (video.status !== 'completed') throw new Error(video.error?.message ?? video.status);
      const response = await client.videos.downloadContent(video.id);
      return response.blob();
    }`,
};

/** Minified + gzipped size of each entry, in bytes. */
export async function measureBundles() {
  const sizes = {};
  for (const [name, contents] of Object.entries(entries)) {
    const result = await build({
      stdin: { contents, resolveDir: import.meta.dirname, loader: 'js' },
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    sizes[name] = { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}
