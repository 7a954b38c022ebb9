import { beforeAll, describe, expect, it } from 'vitest';

/**
 * PG-1 without a browser: the page's drafts module over a stand-in localStorage (a Map behind the
 * Storage methods the module uses) and a `window` that only takes listeners.
 */
class MemoryStorage {
  readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, String(value));
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const storage = new MemoryStorage();
type Drafts = typeof import('../../client/src/state/drafts.js');
let drafts: Drafts;
let roomCode: { value: string };

beforeAll(async () => {
  Object.assign(globalThis, { window: { localStorage: storage, addEventListener: () => {} } });
  drafts = await import('../../client/src/state/drafts.js');
  ({ roomCode } = await import('../../client/src/state/session.js'));
  roomCode.value = 'ROOMA';
});

/** A send whose acknowledgement the test gives when it wants. */
function pendingSend() {
  let answer: (ack: { ok: boolean }) => void = () => {};
  const promise = new Promise<{ ok: boolean }>((resolve) => {
    answer = resolve;
  });
  return { send: () => promise, answer };
}

const stored = () =>
  Object.fromEntries([...storage.map].filter(([k]) => k.startsWith('cercle.draft.ROOMA.')));

describe('[PG-1] drafts: nothing typed is lost', () => {
  it('[PG-1] keeps a draft per room and box in localStorage, and drops it once the server has it', async () => {
    drafts.writeDraft('post', 'Une idée');
    expect(stored()).toEqual({ 'cercle.draft.ROOMA.post': 'Une idée' });
    const { send, answer } = pendingSend();
    const sent = drafts.sendDraft('post', 'Une idée', send);
    // The box is empty at once, the words kept until the acknowledgement.
    expect(drafts.readDraft('post')).toBe('');
    expect(Object.values(stored())).toEqual(['Une idée']);
    expect(Object.keys(stored())[0]).toMatch(/^cercle\.draft\.ROOMA\.post~sending~/);
    // Words on their way are not on the shelf.
    expect(drafts.keptDrafts.value).toEqual([]);
    answer({ ok: true });
    await sent;
    expect(stored()).toEqual({});
  });

  it('[PG-1] puts refused words back in their box, or on the shelf when new words are there', async () => {
    const first = pendingSend();
    const a = drafts.sendDraft('learning', 'Écouter avant de conseiller', first.send);
    first.answer({ ok: false });
    await a;
    expect(drafts.readDraft('learning')).toBe('Écouter avant de conseiller');

    const second = pendingSend();
    const b = drafts.sendDraft('learning', 'Écouter avant de conseiller', second.send);
    drafts.writeDraft('learning', 'Autre chose');
    second.answer({ ok: false });
    await b;
    expect(drafts.readDraft('learning')).toBe('Autre chose');
    // The learning box is not drawn here, so both its draft and the refused words are on the shelf.
    const shelf = drafts.keptDrafts.value.map(({ box, text }) => [box, text]);
    expect(shelf).toContainEqual(['learning', 'Écouter avant de conseiller']);
    expect(shelf).toContainEqual(['learning', 'Autre chose']);
    for (const { key } of drafts.keptDrafts.value) drafts.discardDraft(key);
    expect(stored()).toEqual({});
  });

  it('[PG-1] a failed send (sealing or network) keeps the words too', async () => {
    await drafts.sendDraft('logbook', 'Note privée', () => Promise.reject(new Error('no crypto')));
    expect(drafts.readDraft('logbook')).toBe('Note privée');
    // The logbook's words never show on the shelf (a shared screen).
    expect(drafts.keptDrafts.value).toEqual([]);
    drafts.discardDraft('logbook');
  });

  it('[PG-1] words still on their way when the page went away are on the shelf of the next page', () => {
    storage.setItem('cercle.draft.ROOMB.post~sending~1-0', 'Envoyé puis rechargé');
    storage.setItem('cercle.draft.ROOMB.statement.client_request', 'Ma demande');
    roomCode.value = 'ROOMB';
    expect(drafts.keptDrafts.value.map(({ box, text }) => [box, text]).sort()).toEqual([
      ['post', 'Envoyé puis rechargé'],
      ['statement.client_request', 'Ma demande'],
    ]);
    // Back in its box, it leaves the shelf.
    drafts.appendToDraft('post', 'Envoyé puis rechargé');
    drafts.discardDraft('post~sending~1-0');
    expect(drafts.readDraft('post')).toBe('Envoyé puis rechargé');
  });

  it('[PG-1] an erased room takes its drafts with it, and only its own', () => {
    storage.setItem('cercle.draft.ROOMC.post', 'Autre salle');
    drafts.forgetDrafts('ROOMB');
    expect([...storage.map.keys()].filter((k) => k.startsWith('cercle.draft.ROOMB.'))).toEqual([]);
    expect(drafts.keptDrafts.value).toEqual([]);
    expect(storage.getItem('cercle.draft.ROOMC.post')).toBe('Autre salle');
  });
});
