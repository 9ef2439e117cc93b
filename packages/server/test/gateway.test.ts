// Gateway mode: the README's per-user-token recipe, run as written, with the official `openai` SDK (7.x)
// and real `curl` as its clients. The whole lifecycle through the handler must give what the same calls
// give against the emulator directly, and each token must see only its own jobs.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningEmulator } from '@sora-kit/emulator';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedCurl } from './seed-example.js';
import { scratch, snippet } from './snippets.js';
import { closeServer, emulator, KEY, listen } from './support.js';

const run = promisify(execFile);
const TOKENS = { alice: 'tok_alice_4f1c9e0b7a2d6e8f3c5b', bob: 'tok_bob_9a8b7c6d5e4f3a2b1c0d' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The recipe's token table: SHA-256 of each token → its user (what an app keeps in its database). */
const TOKENS_MODULE = `const users = new Map(${JSON.stringify(Object.entries(TOKENS).map(([user, token]) => [sha256(token), user]))});
export async function findUserByTokenHash(hash: string): Promise<string | null> {
  return users.get(hash) ?? null;
}
`;

let direct: RunningEmulator;
let upstream: RunningEmulator;
let server: Server;
let gateway: string;
let removeProject: () => Promise<void>;
beforeAll(async () => {
  direct = await emulator();
  upstream = await emulator();
  process.env.SORA_API_KEY = KEY;
  process.env.SORA_BASE_URL = upstream.url;
  const project = await scratch({ 'gateway.ts': await snippet('gateway'), 'tokens.ts': TOKENS_MODULE });
  removeProject = project.remove;
  ({ server } = await import(join(project.dir, 'gateway.ts')));
  gateway = `${await listen(server)}/api/sora/v1`;
});
afterAll(async () => {
  delete process.env.SORA_API_KEY;
  delete process.env.SORA_BASE_URL;
  if (server) await closeServer(server);
  await removeProject?.();
  await upstream?.close();
  await direct?.close();
});

const sdk = (baseURL: string, apiKey: string) => new OpenAI({ apiKey, baseURL, maxRetries: 0 });
const viaGateway = (user: keyof typeof TOKENS) => sdk(gateway, TOKENS[user]);
const viaEmulator = () => sdk(`${direct.url}/v1`, KEY);

/** Polls with the SDK until the job leaves queued/in_progress (each poll waits on the previous answer). */
async function settle(client: OpenAI, id: string): Promise<OpenAI.Videos.Video> {
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (video.status !== 'queued' && video.status !== 'in_progress') return video;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** An API error as the SDK raised it: what a caller branches on (the wording may differ). */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return 'no error';
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    const { type, code, param } = (error.error ?? {}) as Record<string, unknown>;
    return { status: error.status, type, code, param };
  }
}

/**
 * The whole lifecycle through one client, as a transcript without the things that differ by run (ids
 * become #0, #1… in order of appearance; times are left out).
 */
async function lifecycle(client: OpenAI, baseURL: string, token: string, api: RunningEmulator) {
  const names = new Map<string, string>();
  const name = (id: string | null | undefined) => {
    if (id == null) return id;
    if (!names.has(id)) names.set(id, `#${names.size}`);
    return names.get(id);
  };
  const view = (v: OpenAI.Videos.Video) => ({
    id: name(v.id),
    object: v.object,
    status: v.status,
    model: v.model,
    seconds: v.seconds,
    size: v.size,
    prompt: (v as { prompt?: unknown }).prompt,
    remixed_from_video_id: name(v.remixed_from_video_id),
    error: v.error,
  });
  // The media differ from job to job, so the bytes are compared with what the API holding the job sends
  // for the same request (Prism-free: byte for byte, range included).
  const bytesOf = async (response: Response, id: string, query: string, range?: string) => {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const original = await fetch(`${api.url}/v1/videos/${id}/content${query}`, {
      headers: { authorization: `Bearer ${KEY}`, ...(range ? { range } : {}) },
    });
    const same = Buffer.from(await original.arrayBuffer()).equals(bytes);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      range: response.headers.get('content-range')?.replace(/\/\d+$/, '/SIZE'),
      length: range ? bytes.length : bytes.length > 1000,
      sameBytesAsApi: same && original.status === response.status,
    };
  };
  const out: Record<string, unknown> = {};

  const json = await client.post<OpenAI.Videos.Video>('/videos', {
    body: { prompt: 'a tiger in a farmyard', model: 'sora-2', seconds: '8', size: '1280x720' },
  });
  out.createJson = view(json);
  const multipart = await client.videos.create({ prompt: 'a fox', seconds: '4', size: '720x1280' });
  out.createMultipart = view(multipart);
  out.retrieve = view(await settle(client, json.id));
  out.retrieveMultipart = view(await settle(client, multipart.id));
  // A job that failed (moderation) has no content, whenever it is asked: a download is refused.
  const blocked = await client.videos.create({ prompt: 'a [moderation-block] scene', seconds: '4' });
  out.failed = view(await settle(client, blocked.id));
  out.noContent = await failure(client.videos.downloadContent(blocked.id));

  const empty = await client.videos.list({ limit: 0 });
  out.listLimit0 = { data: empty.data, has_more: empty.has_more };
  const walked: unknown[] = [];
  for await (const video of client.videos.list({ limit: 1 })) walked.push(name(video.id));
  out.listByCursor = walked;
  const ascending: unknown[] = [];
  for await (const video of client.videos.list({ limit: 1, order: 'asc' })) ascending.push(name(video.id));
  out.listAscending = ascending;

  for (const variant of ['video', 'thumbnail', 'spritesheet'] as const) {
    const response = await client.videos.downloadContent(json.id, { variant });
    out[`download ${variant}`] = await bytesOf(response, json.id, `?variant=${variant}`);
  }
  out.downloadDefault = await bytesOf(await client.videos.downloadContent(json.id), json.id, '');
  const range = 'bytes=10-109';
  const ranged = await client.videos.downloadContent(json.id, { variant: 'video' }, { headers: { range } });
  out.downloadRange = await bytesOf(ranged, json.id, '?variant=video', range);

  out.remixJson = view(await client.videos.remix(json.id, { prompt: 'the tiger at night' }));
  const form = new FormData();
  form.set('prompt', 'the tiger in the snow');
  const remixed = await fetch(`${baseURL}/videos/${json.id}/remix`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  out.remixMultipart = { status: remixed.status, video: view(await remixed.json()) };
  out.edit = view(await client.videos.edit({ prompt: 'make it a wolf', video: { id: json.id } }));
  out.extension = view(
    await client.videos.extend({ prompt: 'the tiger runs on', seconds: '4', video: { id: json.id } }),
  );

  const mp4 = new Uint8Array(await (await client.videos.downloadContent(json.id)).arrayBuffer());
  const character = await client.videos.createCharacter({
    name: 'Stripes',
    video: await toFile(mp4, 'stripes.mp4', { type: 'video/mp4' }),
  });
  const fetched = await client.videos.getCharacter(character.id ?? '');
  out.character = {
    name: character.name,
    sameWhenFetched: JSON.stringify(fetched) === JSON.stringify(character),
  };

  out.badSeconds = await failure(client.videos.create({ prompt: 'x', seconds: '5' as '4' }));
  out.missingPrompt = await failure(client.post('/videos', { body: {} }));
  out.unknownVideo = await failure(client.videos.retrieve(`video_${'0'.repeat(48)}`));
  out.malformedId = await failure(client.videos.retrieve('not an id'));
  out.unknownCharacter = await failure(client.videos.getCharacter('char_missing'));
  out.unknownSource = await failure(
    client.videos.edit({ prompt: 'x', video: { id: `video_${'f'.repeat(48)}` } }),
  );
  out.badVariant = await failure(client.videos.downloadContent(json.id, { variant: 'gif' as 'video' }));
  out.badOrder = await failure(client.videos.list({ order: 'sideways' as 'asc' }));
  const broken = await fetch(`${baseURL}/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"prompt": "unterminated',
  });
  out.malformedJson = { status: broken.status, body: await broken.json() };

  const deleted = await client.videos.delete(multipart.id);
  out.delete = { ...deleted, id: name(deleted.id) };
  out.afterDelete = await failure(client.videos.retrieve(multipart.id));
  out.deleteAgain = await failure(client.videos.delete(multipart.id));
  return { transcript: out, ids: [...names.keys()] };
}

describe('the official openai SDK through the per-user-token recipe', () => {
  let aliceIds: string[] = [];

  test('the whole lifecycle gives what the emulator gives directly', async () => {
    const expected = await lifecycle(viaEmulator(), `${direct.url}/v1`, KEY, direct);
    const seen = await lifecycle(viaGateway('alice'), gateway, TOKENS.alice, upstream);
    expect(seen.transcript).toEqual(expected.transcript);
    // The transcript is not trivially equal: it holds jobs, bytes and every error case.
    expect(Object.keys(seen.transcript).length).toBe(31);
    expect(seen.transcript.remixMultipart).toMatchObject({
      status: 200,
      video: { remixed_from_video_id: '#0' },
    });
    expect(seen.transcript.listByCursor).toEqual(['#2', '#1', '#0']);
    expect(seen.transcript.downloadRange).toMatchObject({ status: 206, length: 100, sameBytesAsApi: true });
    expect(seen.transcript['download thumbnail']).toMatchObject({ type: 'image/webp', sameBytesAsApi: true });
    expect(seen.transcript.missingPrompt).toMatchObject({
      code: 'missing_required_parameter',
      param: 'prompt',
    });
    aliceIds = seen.ids;
  });

  test("each token sees only its own jobs; another's id is a 404 like a missing one", async () => {
    expect(aliceIds.length).toBeGreaterThan(4);
    const alice = viaGateway('alice');
    const bob = viaGateway('bob');
    const bobs = await bob.videos.create({ prompt: 'bob only', seconds: '4' });
    const bobList: string[] = [];
    for await (const video of bob.videos.list({ limit: 100 })) bobList.push(video.id);
    expect(bobList).toEqual([bobs.id]);
    const aliceList: string[] = [];
    for await (const video of alice.videos.list({ limit: 100 })) aliceList.push(video.id);
    expect(aliceList).not.toContain(bobs.id);
    expect(aliceList.length).toBeGreaterThan(3);

    const [aliceVideo] = aliceList;
    const missing = `video_${'0'.repeat(48)}`;
    const asMissing = async (call: (id: string) => Promise<unknown>) => {
      const other = await failure(call(aliceVideo!));
      expect(other).toEqual(await failure(call(missing)));
      expect(other).toMatchObject({ status: 404, code: 'not_found' });
    };
    await asMissing((id) => bob.videos.retrieve(id));
    await asMissing((id) => bob.videos.downloadContent(id));
    await asMissing((id) => bob.videos.remix(id, { prompt: 'mine now' }));
    await asMissing((id) => bob.videos.edit({ prompt: 'mine now', video: { id } }));
    await asMissing((id) => bob.videos.extend({ prompt: 'mine now', seconds: '4', video: { id } }));
    await asMissing((id) => bob.videos.delete(id));
    expect((await alice.videos.retrieve(aliceVideo!)).id).toBe(aliceVideo); // still there, still hers
    const nobody = sdk(gateway, 'tok_nobody_000000000000000000');
    await expect(nobody.videos.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(nobody.videos.create({ prompt: 'free video' })).rejects.toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  test("the provider page's curl example works through it with a token", async () => {
    const viaCurl = async (url: string, token: string) => {
      const { stdout } = await run('curl', seedCurl(url, token), { timeout: 20_000 });
      return JSON.parse(stdout) as OpenAI.Videos.Video;
    };
    const expected = await viaCurl(`${direct.url}/v1/videos`, KEY);
    const video = await viaCurl(`${gateway}/videos`, TOKENS.bob);
    const shape = (v: OpenAI.Videos.Video) => ({
      object: v.object,
      status: v.status,
      model: v.model,
      seconds: v.seconds,
      size: v.size,
      prompt: (v as { prompt?: unknown }).prompt,
    });
    expect(shape(video)).toEqual(shape(expected));
    expect(shape(video)).toMatchObject({ model: 'sora-2', seconds: '8', size: '1280x720' });
    expect((await viaGateway('bob').videos.retrieve(video.id)).id).toBe(video.id);
    await expect(viaGateway('alice').videos.retrieve(video.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
