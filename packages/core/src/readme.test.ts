import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebhookVerificationError } from './index.js';

// The README's complete programs, run as written in Node processes of their own against the built package
// (the quick start runs in the pack test, from the installed tarball). The other blocks are signatures with
// `…` placeholders, which the API tests cover.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
let readme: string;
let dir: string;
beforeAll(async () => {
  readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  // Inside the package (its scope: `@sora-kit/core` resolves to it by name, as an installed copy would; a
  // folder under node_modules would be outside it), and removed after.
  dir = await mkdtemp(join(packageDir, '.readme-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The `js` block that contains `marker`. */
function block(marker: string): string {
  const found = [...readme.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => b.includes(marker));
  expect(found, `one README js block with ${marker}`).toHaveLength(1);
  return found[0]!;
}

describe('core README', () => {
  test('validateCreateParams: prints the field and the message the README shows', async () => {
    const file = join(dir, 'validate.mjs');
    await writeFile(file, block('validateCreateParams('));
    const { stdout } = await run(process.execPath, [file]);
    const shown = /^```\nValidationError: (.*)\n```$/m.exec(readme)?.[1];
    expect(shown).toBeDefined();
    expect(stdout).toBe(`size ${shown}\n`);
  });

  test('the webhook route: a signed delivery is handled once (204), a forged one throws', async () => {
    const file = join(dir, 'webhook.mjs');
    await writeFile(file, block('createWebhookDeduper()'));
    const secret = `whsec_${Buffer.from('a README webhook secret, 32 byte').toString('base64')}`;
    process.env.SORA_WEBHOOK_SECRET = secret;
    try {
      const { POST } = (await import(file)) as { POST(request: Request): Promise<Response> };
      const body = JSON.stringify({ type: 'video.completed', data: { id: 'video_1' } });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const sign = (k: Buffer | string) =>
        `v1,${createHmac('sha256', k).update(`msg_1.${timestamp}.${body}`).digest('base64')}`;
      const delivery = (signature: string) =>
        new Request('http://app.test/hook', {
          method: 'POST',
          headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': signature },
          body,
        });
      expect((await POST(delivery(sign(key)))).status).toBe(204);
      expect((await POST(delivery(sign(key)))).status).toBe(204); // the retry: acknowledged, not run again
      // (The built package's class: `isInstance` reads the brand, not one module's prototype.)
      const forged = await POST(delivery(sign('another key'))).catch((error: unknown) => error);
      expect(WebhookVerificationError.isInstance(forged)).toBe(true);
    } finally {
      delete process.env.SORA_WEBHOOK_SECRET;
    }
  });
});
