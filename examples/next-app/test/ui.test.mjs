// What a person sees, in light and dark: the studio in each state (empty, error, running, done, failed)
// at phone, tablet and desktop widths, checked for sideways scrolling, touch targets and accessibility
// (axe-core), driven from the keyboard, with no request of the page shown as failed. Screenshots of each
// state at 390 and 1280 px go to test-results/screens/ for anyone to look at.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from './browser.mjs';
import { appDir, ensureBuilt, freePort, startEmulatorProcess, startNext } from './processes.mjs';

const KEY = 'sk-dummy-Hq3Zt8Lw1Pc6-next-ui';
const SHOTS = join(appDir, 'test-results', 'screens');
const WIDTHS = [320, 390, 768, 1280];
const SHOT_WIDTHS = [390, 1280];

let emulator;
let app;
let browser;
let dataRoot;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const [, port] = await Promise.all([ensureBuilt(), freePort()]);
  // Long enough to reload, check and photograph the page while a job runs, on a loaded machine.
  emulator = await startEmulatorProcess(['--job-seconds', '12', '--api-key', KEY]);
  // A data folder of its own (a run starts with no videos), whose parents do not exist yet: the app makes
  // them, as it makes `.data/` on a fresh clone.
  dataRoot = await mkdtemp(join(tmpdir(), 'next-app-ui-'));
  const SORA_DATA_DIR = join(dataRoot, 'not', 'made', 'yet');
  [app, browser] = await Promise.all([
    startNext(port, { SORA_API_KEY: KEY, SORA_BASE_URL: emulator.url, SORA_DATA_DIR }),
    launchChromium(),
  ]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await emulator?.stop();
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

/** At each width: no sideways scroll, and every control at least 44 px each way. Screenshots at two. */
async function checkLayout(page, scheme, state) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const { scrollWidth, innerWidth, small } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      small: [...document.querySelectorAll('main button, main select, main input, main summary')]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.height < 44 || box.width < 44)
        .map(({ el, box }) => `${el.tagName} ${el.textContent || el.id}: ${box.width}x${box.height}`),
    }));
    expect(scrollWidth, `${scheme} ${state} at ${width} px`).toBeLessThanOrEqual(innerWidth);
    expect(small, `${scheme} ${state} at ${width} px`).toEqual([]);
    if (SHOT_WIDTHS.includes(width)) {
      await page.screenshot({ path: join(SHOTS, `${scheme}-${state}-${width}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** axe-core on the whole page: no violation of WCAG 2.x A/AA or best practice. */
async function checkAccessibility(page, scheme, state) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `${scheme} ${state}`).toEqual([]);
}

const check = async (page, scheme, state) => {
  await checkAccessibility(page, scheme, state);
  await checkLayout(page, scheme, state);
};

for (const scheme of ['light', 'dark']) {
  describe(`the studio in ${scheme} mode`, () => {
    let w;
    /** Requests to the API that Chromium reports as failed (cancelled, broken), with when: none may be. */
    const failed = [];
    /** When the test reloaded the page: a poll in flight then is cancelled for real (the page goes). */
    const reloads = [];
    const user = scheme === 'light' ? 'alice' : 'bob';

    beforeAll(async () => {
      w = await watchedPage(browser, app.url, { colorScheme: scheme });
      // (Only the API's: Next's own router may cancel a request of its own, e.g. at the sign-in's redirect.)
      w.context.on('requestfailed', (request) => {
        if (new URL(request.url()).pathname.startsWith('/api/sora/')) {
          const what = `${request.method()} ${request.url()} ${request.failure()?.errorText}`;
          failed.push({ what, at: Date.now() });
        }
      });
      await w.page.goto(app.url);
      await w.signInAs(user);
      await w.page.getByText('No videos yet.').waitFor();
    });
    afterAll(() => w?.context.close());

    it('empty: the player says what will appear there', async () => {
      const { page } = w;
      await page.getByText('Your video plays here once it is ready.').waitFor();
      await check(page, scheme, 'empty');
    });

    it('error: a blank prompt is shown at the prompt, in plain words, with details for developers', async () => {
      const { page } = w;
      await page.getByLabel('Prompt').fill('    ');
      await page.getByRole('button', { name: 'Generate' }).click();
      const message = page.locator('#prompt-error');
      await message.waitFor();
      expect(await message.textContent()).toBe('Describe the video first: the prompt is empty.');
      // The prompt names its error, and the job panel shows nothing of it.
      expect(await page.getByLabel('Prompt').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Prompt').getAttribute('aria-describedby')).toBe('prompt-error');
      expect(await page.locator('.job').count()).toBe(0);
      expect(await page.locator('.field-problem details code').textContent()).toMatch(/^ValidationError: /);
      await check(page, scheme, 'error');
    });

    it('running, from the keyboard: the bar is a progressbar with its value, the status is announced', async () => {
      const { page } = w;
      const prompt = `A lighthouse at dawn, waves below (${scheme})`;
      await page.getByLabel('Prompt').fill(prompt);
      // Tab to Generate and press Enter: the whole form works without a pointer.
      await page.getByLabel('Prompt').focus();
      for (let i = 0; i < 10; i++) {
        if (await page.evaluate(() => document.activeElement?.textContent === 'Generate')) break;
        await page.keyboard.press('Tab');
      }
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Generate');
      await page.keyboard.press('Enter');
      await w.waitForProgress(undefined);
      const id = await page.locator('.job-id').textContent();

      // A reload resumes the job (`persist`), and its prompt with it.
      const reload = { from: Date.now() };
      reloads.push(reload);
      await page.reload();
      reload.to = Date.now();
      await page.waitForFunction((p) => document.querySelector('#prompt').value === p, prompt);
      await w.waitForProgress(undefined);
      expect(await page.locator('.job-id').textContent()).toBe(id);

      // The refused create before this one left nothing behind.
      expect(await page.locator('#prompt-error').count()).toBe(0);
      const bar = page.getByRole('progressbar', { name: 'Progress' });
      expect(Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
      expect(await bar.getAttribute('aria-valuetext')).toMatch(/^\d+ %/);
      expect(await page.getByRole('status').getAttribute('aria-live')).toBe('polite');
      await check(page, scheme, 'running');
    });

    it('done: the status gives the length, the video plays', async () => {
      const { page } = w;
      await w.waitForStatus('completed');
      await page
        .getByRole('status')
        .filter({ hasText: /^Done: a 4 s video, 720x1280$/ })
        .waitFor();
      await page.getByLabel('Generated video').waitFor();
      await page.waitForFunction(() => document.querySelector('video').readyState >= 1, null, {
        timeout: 30_000,
      });
      await check(page, scheme, 'done');
    });

    it('failed: the job and its card say why (moderation)', async () => {
      const { page } = w;
      await page.getByLabel('Prompt').fill('A farmyard at night [moderation-block]');
      await page.getByRole('button', { name: 'Generate' }).click();
      await w.waitForStatus('failed');
      await page
        .locator('.job [role="alert"]')
        .filter({ hasText: 'It was blocked by content moderation. Try a different prompt.' })
        .waitFor();
      await page
        .locator('.card-reason')
        .filter({ hasText: 'It was blocked by content moderation.' })
        .first()
        .waitFor();
      await check(page, scheme, 'failed');
    });

    it('no request was shown as failed over the whole session (create, polls, content, list)', () => {
      const leftOpen = ({ at }) => reloads.some(({ from, to }) => at >= from && at <= to);
      expect(failed.filter((f) => !leftOpen(f)).map((f) => f.what)).toEqual([]);
      expect(w.sent.some((r) => /\/content(\?|$)/.test(r.url))).toBe(true);
      expect(w.problems).toEqual([]);
    });
  });
}
