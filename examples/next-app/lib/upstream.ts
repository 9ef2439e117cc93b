import { randomBytes } from 'node:crypto';

/** Where the handler sends the API calls, with which key; and the secret webhooks are signed with. */
export interface Upstream {
  baseUrl: string;
  apiKey: string;
  /** Unset when webhooks are not configured (a real key without SORA_WEBHOOK_SECRET). */
  webhookSecret: string | undefined;
}

// One per process, on globalThis: `instrumentation.ts` and each route are bundled separately, and `next dev`
// re-evaluates modules on every edit; none of that may start a second emulator.
const SLOT = Symbol.for('sora-kit.example-next-app.upstream');
const slot = globalThis as { [SLOT]?: Promise<Upstream> };

/**
 * The API the app talks to, decided once per process:
 *
 * - `SORA_API_KEY` set: that key and `SORA_BASE_URL` (default https://api.gpt.ge), after a warning, since
 *   each job is billed there; webhooks when `SORA_WEBHOOK_SECRET` is set.
 * - unset: `@sora-kit/emulator` started in this process on a free loopback port, with a key and a webhook
 *   secret of its own and its webhooks pointed at this app: offline and free.
 */
export function upstream(): Promise<Upstream> {
  slot[SLOT] ??= decide().catch((error: unknown) => {
    slot[SLOT] = undefined; // the next request tries again
    throw error;
  });
  return slot[SLOT];
}

async function decide(): Promise<Upstream> {
  const env = process.env;
  if (env.SORA_API_KEY) {
    const baseUrl = env.SORA_BASE_URL || 'https://api.gpt.ge';
    console.warn(
      `sora-kit: SORA_API_KEY is set: jobs go to ${baseUrl} and are billed there. ` +
        'Unset it to use the embedded emulator (offline, free).',
    );
    return { baseUrl, apiKey: env.SORA_API_KEY, webhookSecret: env.SORA_WEBHOOK_SECRET || undefined };
  }
  // Imported only here: with a real key the emulator is never loaded.
  const { startEmulator } = await import('@sora-kit/emulator');
  const apiKey = `sk-embedded-${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  // `next dev` / `next start` put the port they listen on in PORT before the app's code runs.
  const appOrigin = `http://127.0.0.1:${env.PORT || 3000}`;
  const emulator = await startEmulator({
    apiKey,
    jobSeconds: Number(env.SORA_EMULATOR_JOB_SECONDS) || 6,
    webhook: { url: `${appOrigin}/api/sora/webhooks`, secret: webhookSecret },
    quiet: true,
  });
  console.info(`sora-kit: SORA_API_KEY is unset: jobs run on the embedded emulator at ${emulator.url}.`);
  return { baseUrl: emulator.url, apiKey, webhookSecret };
}
