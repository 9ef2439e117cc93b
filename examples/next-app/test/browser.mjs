// A Chromium page on the app, watched: every request with its headers, console errors and warnings, page
// errors, failed answers, and what the job panel showed, from the first paint of each document.
import { chromium } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM, args: ARGS });

/** Retries `read` until its value passes (vitest's `expect.poll`, with room for a loaded machine). */
export const eventually = (read, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });

/** Runs in the page before its scripts: records each new state of the job panel as `status|progress|eta|id`. */
function recordJobPanel() {
  window.__seen = [];
  const record = () => {
    const job = document.querySelector('.job');
    if (!job) return;
    const entry = [
      job.dataset.status,
      job.querySelector('progress')?.value,
      job.querySelector('.eta')?.textContent ?? '',
      job.querySelector('.job-id')?.textContent ?? '',
    ].join('|');
    if (window.__seen.at(-1) !== entry) window.__seen.push(entry);
  };
  new MutationObserver(record).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
}

/** A new browser context (with `contextOptions`, e.g. a `colorScheme`) and page on `appUrl`, watched, with the few actions the tests repeat. */
export async function watchedPage(browser, appUrl, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...contextOptions });
  await context.addInitScript(recordJobPanel);
  /** Every request any page made: method, URL, all headers, when. */
  const sent = [];
  /** Console errors and warnings, page errors, failed answers: all unexpected. */
  const problems = [];
  /** `METHOD URL` of requests expected to fail (a test's own probes and refused inputs). */
  const expectedFailures = new Set();

  context.on('request', (request) => {
    const entry = {
      method: request.method(),
      url: request.url(),
      at: Date.now(),
      headers: request.headers(),
    };
    sent.push(entry);
    // All of them, cookies too (a request of a page being closed keeps the ones above).
    request.allHeaders().then(
      (headers) => {
        entry.headers = headers;
      },
      () => {},
    );
  });
  context.on('response', (response) => {
    const key = `${response.request().method()} ${response.url()}`;
    if (response.status() >= 400 && !expectedFailures.has(key)) problems.push(`${response.status()} ${key}`);
  });
  context.on('console', (message) => {
    if (!['error', 'warning'].includes(message.type())) return;
    // Chromium logs an expected refusal as a failed resource load too.
    const url = message.location()?.url;
    if ([...expectedFailures].some((failure) => failure.endsWith(` ${url}`))) return;
    problems.push(`console ${message.type()}: ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  const page = await context.newPage();

  const watched = {
    context,
    page,
    sent,
    problems,
    /** The next `method path` answer may be an error (the test asks for it). */
    expectFailure(method, path) {
      expectedFailures.add(`${method} ${new URL(path, appUrl).href}`);
    },
    /** What the job panel showed since the page loaded. */
    async seen() {
      return (await page.evaluate(() => window.__seen)).map((line) => {
        const [status, progress, eta, id] = line.split('|');
        return { status, progress: Number(progress), eta, id };
      });
    },
    waitForStatus(status, timeout = 60_000) {
      return page.waitForFunction((s) => document.querySelector('.job')?.dataset.status === s, status, {
        timeout,
      });
    },
    /** Waits until the job panel shows a job other than `previous` rendering with some progress. */
    waitForProgress(previous, timeout = 60_000) {
      return page.waitForFunction(
        (old) => {
          const job = document.querySelector('.job');
          const id = job?.querySelector('.job-id')?.textContent;
          return (
            job?.dataset.status === 'in_progress' &&
            id !== old &&
            Number(job.querySelector('progress')?.value) > 0
          );
        },
        previous,
        { timeout },
      );
    },
    async signInAs(user) {
      await page.getByRole('button', { name: user, exact: true }).click();
      await page.waitForFunction(
        (u) =>
          document.querySelector(`.switcher button[value="${u}"]`)?.getAttribute('aria-pressed') === 'true',
        user,
        { timeout: 60_000 },
      );
      await page.getByRole('heading', { name: 'New video' }).waitFor();
    },
    /** The video ids "My videos" shows, in order. */
    cards() {
      return page.locator('.card').evaluateAll((all) => all.map((card) => card.dataset.videoId));
    },
    /** A request from the page (same origin, the user's cookie), expected to be refused. */
    async probe(path, method = 'GET') {
      watched.expectFailure(method, path);
      return page.evaluate(
        async ([p, m]) => {
          const response = await fetch(p, { method: m });
          return { status: response.status, body: await response.text() };
        },
        [path, method],
      );
    },
  };
  return watched;
}

/** Status requests the page made for job `id` (`GET /api/sora/v1/videos/{id}`), in order. */
export const statusRequests = (sent, id) =>
  sent.filter((r) => r.method === 'GET' && new URL(r.url).pathname === `/api/sora/v1/videos/${id}`);
