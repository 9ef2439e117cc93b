import type { Experimental_VideoModelV4, JSONValue, ProviderV4 } from '@ai-sdk/provider';
import { experimental_generateVideo as generateVideo } from 'ai';
import { expectTypeOf, test } from 'vitest';
import { createSora, type SoraOperation, type SoraVideoModelOptions, sora } from './index.js';

test('the provider and its models have the AI SDK’s types', () => {
  expectTypeOf(sora.video('sora-2')).toEqualTypeOf<Experimental_VideoModelV4>();
  expectTypeOf(sora).toMatchTypeOf<ProviderV4>();
  expectTypeOf(createSora({ apiKey: null, baseURL: 'https://api.gpt.ge' })).toEqualTypeOf(sora);
  // Known names complete in editors; gateways' own names are accepted.
  sora.video('sora-2-pro');
  sora.video('sora-2-2025-10-06');
});

test('providerOptions.sora is typed and JSON, and an operation is a JSONValue', async () => {
  const options = {
    remixOf: 'video_1',
    variant: 'thumbnail',
    poll: { waitMs: 10_000 },
  } satisfies SoraVideoModelOptions;
  await generateVideo({ model: sora.video('sora-2'), prompt: 'x', providerOptions: { sora: options } }).catch(
    () => {},
  );
  const declared: SoraVideoModelOptions = { download: 'bytes' };
  await generateVideo({
    model: sora.video('sora-2'),
    prompt: 'x',
    providerOptions: { sora: declared },
  }).catch(() => {});
  expectTypeOf<SoraOperation>().toMatchTypeOf<JSONValue>();
  // @ts-expect-error: a variant the API does not have
  ({ variant: 'gif' }) satisfies SoraVideoModelOptions;
  // @ts-expect-error: `apiKey` is a string (or null), not a number
  createSora({ apiKey: 42 });
});
