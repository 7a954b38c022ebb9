import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; CI installs it with apt. Overridable for other machines. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const screenshotDir = `${repoRoot}test-artifacts/screenshots`;
/**
 * The page the browser tests drive: the build made for them (`npm run build:test -w @cercle/client`,
 * which `npm test` runs), with the test hook `window.__cercle`; the production build has none.
 */
export const testClientDist = `${repoRoot}client/dist-test`;
const clientIndex = `${testClientDist}/index.html`;

/** Headless Chromium with the flags this machine's closed network needs; `extraArgs` add to them. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium`);
  }
  if (!existsSync(clientIndex)) {
    throw new Error(
      'The test build of the client is missing: npm run build:test -w @cercle/client (npm test does it first)',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

export type Person = {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Page errors, console errors and Content-Security-Policy violations seen so far. */
  problems: string[];
};

/** One person = one browser context (own storage, own cookies), as eight laptops in a call would be. */
export async function openPerson(
  browser: Browser,
  name: string,
  options: {
    /** A browser language; `de-DE` asks for neither French nor English (the room's language then applies). */
    locale?: 'fr-FR' | 'en-GB' | 'de-DE';
    viewport?: { width: number; height: number };
  } = {},
): Promise<Person> {
  const viewport = options.viewport ?? desktop;
  const context = await browser.newContext({
    locale: options.locale ?? 'fr-FR',
    viewport,
    deviceScaleFactor: 1,
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  watch(page, problems);
  return { name, context, page, problems };
}

function watch(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.push(`csp: ${text}`);
    else if (message.type() === 'error' && !/Failed to load resource/.test(text))
      problems.push(`console: ${text}`);
  });
}

/** A new tab for the same person (same storage), as after closing the laptop's tab: watched the same way. */
export async function reopenPage(person: Person): Promise<Page> {
  const page = await person.context.newPage();
  watch(page, person.problems);
  person.page = page;
  return page;
}

/** Saves a PNG for people to look at (test-artifacts/ is not committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = `${screenshotDir}/${name}.png`;
  // From the top, so the sticky bar is drawn where people see it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The text of a file the page offered as a download, after clicking what triggers it. */
export async function downloadText(
  page: Page,
  trigger: () => Promise<void>,
): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), trigger()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** What the page's own test hook says about its seat. */
export async function seatOf(page: Page): Promise<{ participantId: string | null; version: number }> {
  return page.evaluate(() => {
    const hook = (
      window as unknown as { __cercle?: { state: () => { participantId: string | null; version: number } } }
    ).__cercle;
    if (!hook) throw new Error('no test hook');
    return hook.state();
  });
}

/** Sends a command through the page's own door (what its buttons use): how a test forges a command. */
export async function sendFrom(
  page: Page,
  command: Record<string, unknown>,
): Promise<{ ok: boolean; error?: { code: string } }> {
  return page.evaluate((c) => {
    const hook = (
      window as unknown as {
        __cercle?: { send: (command: unknown) => Promise<{ ok: boolean; error?: { code: string } }> };
      }
    ).__cercle;
    if (!hook) throw new Error('no test hook');
    return hook.send(c);
  }, command);
}

/** The room view the page holds, as every participant receives it (JSON). */
export async function viewOf(page: Page): Promise<Record<string, unknown> | null> {
  return page.evaluate(() => {
    const hook = (window as unknown as { __cercle?: { view: () => Record<string, unknown> | null } })
      .__cercle;
    if (!hook) throw new Error('no test hook');
    return hook.view();
  });
}

/** Elements that stick out past the right edge: a narrow window beside a video call must not scroll sideways. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  const viewport = page.viewportSize()?.width ?? 0;
  return page.evaluate((viewportWidth) => {
    // On a phone the browser widens its layout to fit what overflows: compare with the real screen width.
    const width = Math.min(viewportWidth || Number.POSITIVE_INFINITY, document.documentElement.clientWidth);
    if (document.documentElement.scrollWidth <= width) return [];
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        let inScroller = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const overflowX = getComputedStyle(p).overflowX;
          if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') inScroller = true;
        }
        if (!inScroller)
          culprits.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)}px)`);
      }
    }
    return culprits.slice(0, 10);
  }, viewport);
}

/** Controls with no accessible name (aria-label, labelledby, a label, or their own text): should be none. */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const selector = 'button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=img]';
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      const labelledBy = el.getAttribute('aria-labelledby');
      const labels = (el as HTMLInputElement).labels;
      const name =
        el.getAttribute('aria-label') ||
        (labelledBy
          ? labelledBy
              .split(' ')
              .map((id) => document.getElementById(id)?.textContent ?? '')
              .join(' ')
          : '') ||
        (labels && labels.length > 0 ? Array.from(labels, (l) => l.textContent).join(' ') : '') ||
        el.closest('label')?.textContent ||
        (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent : '') ||
        el.getAttribute('title') ||
        '';
      if (!name.trim()) found.push(el.outerHTML.slice(0, 120));
    }
    return found;
  });
}
