import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../server/src/store/sqlite/database.js';
import { desktop, launchBrowser, openPerson, type Person, testClientDist } from '../support/browser.js';
import {
  call,
  createCircle,
  enterSession,
  joinCircle,
  openSession,
  type TestCircle,
} from '../support/circles.js';
import type { TestParticipant } from '../support/clients.js';
import { eventually } from '../support/e2e.js';
import { type ServerProcess, startServerProcess, tempDataDir } from '../support/serverProcess.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

const cardTexts = (page: Page) => page.locator('[data-testid=board] .card .text').allTextContents();

describe('circles on the embedded server, stopped and started again under open pages', () => {
  const dataDir = tempDataDir();
  let port = 0;
  let server: ServerProcess | null = null;
  let browser: Browser;
  const people: Person[] = [];
  const sockets: TestParticipant[] = [];
  const env = () => ({
    DATA_DIR: dataDir,
    PORT: String(port),
    CLIENT_DIST: testClientDist,
    ROOMS_API_RATE: '10000',
    JOIN_RATE_PER_IP: '10000',
    LOG_LEVEL: 'info',
  });
  const start = async () => {
    port ||= await freePort();
    server = await startServerProcess(env());
    return server.url;
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL') => {
    for (const s of sockets.splice(0)) s.close();
    server!.child.kill(signal);
    const code = await server!.exited;
    server = null;
    return code;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await browser?.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('[ST-1][CI-3][CI-12] SIGTERM and kill -9 between and during sessions: circle, room, seats and cards come back, pages resume; removal and erase leave nothing', {
    timeout: 240_000,
  }, async () => {
    let url = await start();
    const circle: TestCircle = await createCircle(url, {
      kind: 'codev',
      title: 'Cercle tenace',
      locale: 'fr',
    });
    for (const name of ['Anne', 'Bruno', 'Chloé', 'David']) await joinCircle(circle, name);
    const secret = (name: string) => circle.members[name]!.secret;
    await openSession(circle);

    // Anne and the facilitator open their links in Chromium and enter the session without a name.
    const openLink = async (name: string, linkSecret: string) => {
      const person = await openPerson(browser, name, { locale: 'fr-FR', viewport: desktop });
      people.push(person);
      await person.page.goto(`${url}/c/${circle.circleId}#k=${linkSecret}`);
      await person.page.getByRole('button', { name: 'Entrer dans la séance 1' }).click();
      await person.page.getByTestId('people').waitFor();
      return person.page;
    };
    const f = await openLink('Fanny', circle.facilitatorKey);
    const a = await openLink('Anne', secret('Anne'));
    const seats = async () => {
      const fac = await enterSession(circle, 1, circle.facilitatorKey, 'facilitator');
      const bruno = await enterSession(circle, 1, secret('Bruno'), 'Bruno');
      sockets.push(fac, bruno);
      return { fac, bruno };
    };
    let { fac, bruno } = await seats();
    await enterSession(circle, 1, secret('Chloé'), 'Chloé').then((p) => sockets.push(p));
    await enterSession(circle, 1, secret('David'), 'David').then((p) => sockets.push(p));
    const anneSeat = await enterSession(circle, 1, secret('Anne'), 'Anne');
    sockets.push(anneSeat);
    expect(anneSeat.seat?.role).toBe('client');
    await fac.must({ type: 'start' });
    await fac.must({ type: 'next_phase', from: 0 });
    await bruno.must({ type: 'post_card', kind: 'question', text: 'Avant l’arrêt' });
    await eventually(() => cardTexts(a)).toContain('Avant l’arrêt');

    // 1. SIGTERM during the session: the pages come back to the same seats and the same board.
    expect(await stop('SIGTERM')).toBe(0);
    url = await start();
    ({ fac, bruno } = await seats());
    expect(fac.view!.phaseIndex).toBe(1);
    await bruno.must({ type: 'post_card', kind: 'question', text: 'Après SIGTERM' });
    await eventually(() => cardTexts(a), 20_000).toContain('Après SIGTERM');
    await eventually(() => cardTexts(f)).toEqual(expect.arrayContaining(['Avant l’arrêt', 'Après SIGTERM']));

    // 2. kill -9 while cards are being posted: every acknowledged one is there afterwards.
    const acked: string[] = [];
    const sends = Array.from({ length: 20 }, (_, i) =>
      bruno.send({ type: 'post_card', kind: 'question', text: `En vol ${i}` }).then(
        (ack) => void (ack.ok && acked.push(`En vol ${i}`)),
        () => {},
      ),
    );
    await eventually(() => acked.length).toBeGreaterThan(2);
    expect(await stop('SIGKILL')).toBeNull();
    await Promise.all(sends);
    url = await start();
    ({ fac, bruno } = await seats());
    await bruno.must({ type: 'post_card', kind: 'question', text: 'Après kill -9' });
    await eventually(() => cardTexts(a), 20_000).toContain('Après kill -9');
    const onPage = await cardTexts(a);
    for (const text of acked) expect(onPage).toContain(text);

    // 3. Between sessions: the session ends, the server is killed; the circle, its record and the next
    // session are there after the restart.
    await fac.must({ type: 'end', purge: false });
    await eventually(() =>
      call(url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: secret('Bruno') }).then(
        (r) => (r.body as { sessions: { record: { ended: boolean } | null }[] }).sessions[0]?.record?.ended,
      ),
    ).toBe(true);
    expect(await stop('SIGKILL')).toBeNull();
    url = await start();
    await a.goto(`${url}/c/${circle.circleId}`);
    await eventually(() =>
      a.getByLabel('Client proposé (à tour de rôle)').locator('option:checked').textContent(),
    ).toBe('Bruno');
    expect(await a.getByRole('button', { name: 'Ouvrir la séance 2' }).count()).toBe(0); // members cannot
    await openSession(circle);
    await a.reload();
    await a.getByRole('button', { name: 'Entrer dans la séance 2' }).click();
    await a.getByTestId('people').waitFor();

    // 4. A removed member's link is refused at once, in the page too.
    const b = await (async () => {
      const person = await openPerson(browser, 'Bruno', { locale: 'fr-FR', viewport: desktop });
      people.push(person);
      await person.page.goto(`${url}/c/${circle.circleId}#k=${secret('Bruno')}`);
      await person.page.getByRole('heading', { name: 'Cercle tenace' }).waitFor();
      return person.page;
    })();
    await f.goto(`${url}/c/${circle.circleId}`);
    f.once('dialog', (dialog) => void dialog.accept());
    await f.getByRole('button', { name: 'Retirer Bruno' }).click();
    await eventually(() => f.getByRole('button', { name: 'Retirer Bruno' }).count()).toBe(0);
    await b.reload();
    await b.getByText('Ce lien n’ouvre aucun cercle').waitFor();
    expect(
      (await call(url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: secret('Bruno') })).status,
    ).toBe(404);

    // 5. Erase from the page: afterwards no row of the circle or of its sessions' rooms is left.
    const codes = (
      (await call(url, 'GET', `/api/circles/${circle.circleId}/view`, { secret: circle.facilitatorKey }))
        .body as {
        sessions: { roomCode: string }[];
      }
    ).sessions.map((s) => s.roomCode);
    expect(codes).toHaveLength(2);
    f.once('dialog', (dialog) => void dialog.accept());
    await f.getByRole('button', { name: 'Effacer tout le cercle' }).click();
    await f.getByText('Le cercle a été effacé.').waitFor();
    expect(await stop('SIGTERM')).toBe(0);
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      for (const { name } of tables) {
        const rows = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all());
        expect(rows, name).not.toContain(circle.circleId);
        for (const code of codes) expect(rows, name).not.toContain(code);
        expect(rows, name).not.toContain('Cercle tenace');
      }
    } finally {
      db.close();
    }
    for (const person of people) {
      // A refused link shows its error in words; a page that lost its server meanwhile logs reconnection
      // attempts, which are not faults of the page.
      expect(person.problems.filter((p) => !/ERR_CONNECTION_REFUSED|WebSocket|404|503/.test(p))).toEqual([]);
    }
  });
});
