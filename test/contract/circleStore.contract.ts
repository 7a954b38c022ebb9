import { addMember, type Circle, createCircle } from '@cercle/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CircleStore } from '../../server/src/circles/store.js';

/** One suite for every CircleStore: sqlite.circles.test.ts and redis.circles.test.ts run it. */
export type CircleStoreHarness = {
  open(): Promise<CircleStore>;
  retentionMs: number;
  /** Lets `ms` pass as far as retention is concerned. */
  elapse(ms: number): Promise<void>;
  /** Every key or row the backend still holds that mentions `text` (a circle id or a room code). */
  traces(text: string): Promise<string[]>;
  cleanup(): Promise<void>;
};

let serial = 0;
const t0 = 1_700_000_000_000;
const newId = () => `c_${process.pid.toString(36)}x${(serial++).toString(36).padStart(14, '0')}`;
const circle = (id = newId()): Circle => {
  const made = createCircle(
    {
      id,
      kind: 'codev',
      title: 'Groupe du jeudi',
      locale: 'fr',
      facilitatorKeyHash: 'f'.repeat(64),
      seatKey: 'k',
    },
    t0,
  );
  if (!made.ok) throw new Error(made.message);
  return made.circle;
};
const join = (name: string, n: number) => (c: Circle) =>
  addMember(c, { id: `m_member${String(n).padStart(4, '0')}`, name, secretHash: `h${n}` }, t0 + n);

export function registerCircleStoreContract(name: string, make: () => Promise<CircleStoreHarness>): void {
  describe(`CircleStore contract: ${name}`, () => {
    let harness: CircleStoreHarness;
    let store: CircleStore;
    beforeEach(async () => {
      harness = await make();
      store = await harness.open();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('[CI-1] stores a circle and loads an equal copy; an id taken is refused', async () => {
      const c = circle();
      expect(await store.create(c)).toBe(true);
      expect(await store.load(c.id)).toEqual(c);
      expect(await store.create({ ...c, title: 'intruder' })).toBe(false);
      expect((await store.load(c.id))!.title).toBe('Groupe du jeudi');
      expect(await store.load(newId())).toBeNull();
    });

    it('[CI-1] an update runs on the current circle, bumps the version, and a refusal stores nothing', async () => {
      const c = circle();
      await store.create(c);
      const first = await store.update(c.id, join('Anne', 1));
      expect(first.status).toBe('updated');
      const refused = await store.update(c.id, () => ({ ok: false, code: 'invalid', message: 'no' }));
      expect(refused).toEqual({ status: 'refused', refusal: { ok: false, code: 'invalid', message: 'no' } });
      const loaded = (await store.load(c.id))!;
      expect(loaded.version).toBe(1);
      expect(Object.values(loaded.members).map((m) => m.name)).toEqual(['Anne']);
      expect(await store.update(newId(), join('Bruno', 2))).toEqual({ status: 'not_found' });
    });

    it('[CI-1] concurrent updates from two connections are all kept', async () => {
      const c = circle();
      const other = await harness.open();
      await store.create(c);
      const names = ['Anne', 'Bruno', 'Chloé', 'David', 'Emma', 'Farid'];
      const results = await Promise.all(
        names.map((n, i) => (i % 2 ? other : store).update(c.id, join(n, i))),
      );
      expect(results.every((r) => r.status === 'updated')).toBe(true);
      const loaded = (await store.load(c.id))!;
      expect(loaded.version).toBe(names.length);
      expect(
        Object.values(loaded.members)
          .map((m) => m.name)
          .sort(),
      ).toEqual([...names].sort());
    });

    it('[CI-12] retention: a circle is kept CIRCLE_RETENTION_DAYS after its last write, then gone', async () => {
      const c = circle();
      await store.create(c);
      await store.linkRoom('ROOMAB', c.id);
      await harness.elapse(harness.retentionMs - 60_000);
      expect((await store.update(c.id, join('Anne', 1))).status).toBe('updated');
      await harness.elapse(harness.retentionMs - 60_000);
      expect(await store.load(c.id)).not.toBeNull();
      expect(await store.circleOfRoom('ROOMAB')).toBe(c.id);
      await harness.elapse(120_000);
      expect(await store.load(c.id)).toBeNull();
      expect(await store.circleOfRoom('ROOMAB')).toBeNull();
      expect(await store.update(c.id, join('Bruno', 2))).toEqual({ status: 'not_found' });
    });

    it('[CI-12] erase leaves no key or row of the circle or of its rooms’ index', async () => {
      const c = circle();
      const keep = circle();
      await store.create(c);
      await store.create(keep);
      await store.update(c.id, join('Anne', 1));
      await store.linkRoom('ERASE1', c.id);
      await store.linkRoom('ERASE2', c.id);
      await store.linkRoom('KEEP01', keep.id);
      expect(await store.circleOfRoom('ERASE1')).toBe(c.id);
      expect((await harness.traces(c.id)).length).toBeGreaterThan(0);

      await store.erase(c.id);
      expect(await store.load(c.id)).toBeNull();
      expect(await store.circleOfRoom('ERASE1')).toBeNull();
      expect(await harness.traces(c.id)).toEqual([]);
      expect(await harness.traces('ERASE1')).toEqual([]);
      expect(await harness.traces('ERASE2')).toEqual([]);
      expect(await store.circleOfRoom('KEEP01')).toBe(keep.id);
      expect(await store.load(keep.id)).toEqual(keep);
    });
  });
}
