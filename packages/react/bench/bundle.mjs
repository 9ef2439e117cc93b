// Browser bundle of one page — a form that creates a video, its progress bar and its player — written with
// @sora-kit/react, and the same page written with @tanstack/react-query over @sora-kit/core (polling with a
// refetchInterval, the media downloaded into an object URL), minified and gzipped the same way (esbuild).
// react and react-dom are external (every React app has them); core is bundled into both.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entries = {
  '@sora-kit/react': `
    import { createSoraClient } from '@sora-kit/core';
    import { SoraProvider, useCreateVideo, useVideo, useVideoContent } from '../dist/index.js';
    const client = createSoraClient({ baseUrl: '/api/sora', apiKey: null });
    function Player({ id }) {
      const { src } = useVideoContent(id);
      return src ? <video src={src} controls /> : null;
    }
    function Page() {
      const { create, video, status, progress, etaMs, error, isCreating, cancel } = useCreateVideo({ persist: 'session' });
      const watched = useVideo(video?.id);
      return (
        <form onSubmit={(e) => { e.preventDefault(); create({ prompt: e.target.prompt.value, seconds: '8' }); }}>
          <input name="prompt" />
          <button disabled={isCreating}>Generate</button>
          <button type="button" onClick={() => cancel({ delete: true })}>Cancel</button>
          <progress value={progress ?? 0} max={100} /> {status} {etaMs} {watched.isDone ? 'done' : ''}
          {error ? <p>{error.message}</p> : null}
          {video ? <Player id={video.id} /> : null}
        </form>
      );
    }
    export const App = () => <SoraProvider client={client}><Page /></SoraProvider>;`,
  '@tanstack/react-query': `
    import { createSoraClient } from '@sora-kit/core';
    import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
    import { useEffect, useState } from 'react';
    const client = createSoraClient({ baseUrl: '/api/sora', apiKey: null });
    const queryClient = new QueryClient();
    const done = (v) => v && ['completed', 'failed', 'expired'].includes(v.status);
    function Player({ id }) {
      const { data } = useQuery({ queryKey: ['content', id], queryFn: async () => URL.createObjectURL(await (await client.videos.downloadContent(id)).blob()), staleTime: Infinity });
      useEffect(() => () => { if (data) URL.revokeObjectURL(data); }, [data]);
      return data ? <video src={data} controls /> : null;
    }
    function Page() {
      const [id, setId] = useState(() => sessionStorage.getItem('job') ?? undefined);
      const qc = useQueryClient();
      const mutation = useMutation({ mutationFn: (params) => client.videos.create(params), onSuccess: (v) => { sessionStorage.setItem('job', v.id); setId(v.id); } });
      const { data: video, error } = useQuery({
        queryKey: ['video', id], enabled: !!id, queryFn: ({ signal }) => client.videos.retrieve(id, { signal }),
        refetchInterval: (q) => (done(q.state.data) || q.state.status === 'error' ? false : 1000),
      });
      useEffect(() => { if (done(video)) sessionStorage.removeItem('job'); }, [video]);
      const cancel = async () => { setId(undefined); sessionStorage.removeItem('job'); if (id) { await client.videos.delete(id); qc.removeQueries({ queryKey: ['video', id] }); } };
      return (
        <form onSubmit={(e) => { e.preventDefault(); if (!mutation.isPending) mutation.mutate({ prompt: e.target.prompt.value, seconds: '8' }); }}>
          <input name="prompt" />
          <button disabled={mutation.isPending}>Generate</button>
          <button type="button" onClick={cancel}>Cancel</button>
          <progress value={video?.progress ?? 0} max={100} /> {video?.status}
          {(error ?? mutation.error) ? <p>{(error ?? mutation.error).message}</p> : null}
          {video?.status === 'completed' ? <Player id={video.id} /> : null}
        </form>
      );
    }
    export const App = () => <QueryClientProvider client={queryClient}><Page /></QueryClientProvider>;`,
};

/** Minified + gzipped size of each page, in bytes. */
export async function measureBundles() {
  const sizes = {};
  for (const [name, contents] of Object.entries(entries)) {
    const result = await build({
      stdin: { contents, resolveDir: import.meta.dirname, loader: 'jsx' },
      jsx: 'automatic',
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      external: ['react', 'react/*', 'react-dom', 'react-dom/*'],
      define: { 'process.env.NODE_ENV': '"production"' },
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    sizes[name] = { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}
