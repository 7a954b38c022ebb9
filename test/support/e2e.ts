import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser } from './browser.js';
import { startTestServer, type TestServer } from './testServer.js';

/** Waits on what the page shows (never a sleep): polled until it matches, 10 s unless told. */
export const eventually = <T>(read: () => Promise<T> | T, timeout = 10_000) =>
  expect.poll(read, { timeout, interval: 100 });

export type Live = { server: TestServer; browser: Browser };

/**
 * The real server (in-process, serving the built page) and one Chromium, for the tests of the calling
 * describe block: started before them, closed after them. Fields are set once `beforeAll` has run.
 */
export function serverAndBrowser(env: Record<string, string> = {}): Live {
  const live = {} as Partial<Live>;
  beforeAll(async () => {
    live.server = await startTestServer(env);
    live.browser = await launchBrowser();
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live as Live;
}
