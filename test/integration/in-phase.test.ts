import { recipeOf, shippedRecipes } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** Silent writing, "I'm done", private stars and recipes over a real server and real sockets. */
describe('in the phase, over the wire', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
  });

  const check = (body: unknown) =>
    fetch(`${server.url}/api/recipes/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('[SW-1][SW-2][PM-1][DN-1] a hidden card reaches no one else’s patch, snapshot or log until the reveal; stars stay the client’s', async () => {
    const phases = ['expose', 'clarification', 'contract', 'consultation', 'synthesis', 'learning'].map(
      (from) => ({ from, ...(from === 'consultation' ? { silent: true } : {}) }),
    );
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev', phases });
    const f = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'f');
    const c = await join(server.url, { code, name: 'Claire' }, 'c');
    const a = await join(server.url, { code, name: 'Alex' }, 'a');
    const b = await join(server.url, { code, name: 'Bea' }, 'b');
    people.push(f, c, a, b);
    await f.must({ type: 'assign_role', participantId: c.participantId, role: 'client' });
    await f.must({ type: 'start' });
    await f.must({ type: 'jump_phase', from: 0, index: 3 });
    const secret = 'CanarySilentSw1 a pilot with two teams';
    const posted = await a.must({ type: 'post_card', kind: 'suggestion', text: secret });
    await Promise.all([f, c, a, b].map((p) => p.reach(posted)));
    for (const p of [f, c, b]) {
      expect(JSON.stringify(p.patches)).not.toContain('CanarySilentSw1');
      expect(JSON.stringify(p.mine)).not.toContain('CanarySilentSw1');
    }
    const cardId = Object.keys(a.view!.cards)[0]!;
    expect(a.view!.cards[cardId]).toMatchObject({ hidden: true, text: '' });
    await expect.poll(() => a.mine?.hiddenTexts[cardId]).toBe(secret);
    // A newcomer's snapshot holds no hidden text either.
    const late = await join(server.url, { code, name: 'Dom' }, 'late');
    people.push(late);
    expect(JSON.stringify(late.view)).not.toContain('CanarySilentSw1');
    await b.sync();
    expect(JSON.stringify(b.view)).not.toContain('CanarySilentSw1');
    // Done: the count for all, reset by the phase change.
    const done = await b.must({ type: 'set_done', done: true });
    await f.reach(done);
    expect(f.view!.done).toEqual([b.participantId]);
    expect((await f.send({ type: 'set_done', done: true })).ok).toBe(false);

    const revealed = await f.must({ type: 'reveal_cards' });
    await b.reach(revealed);
    expect(b.view!.cards[cardId]).toMatchObject({ hidden: false, text: secret });
    const starred = await c.must({ type: 'star_card', cardId });
    await Promise.all([a, c].map((p) => p.reach(starred)));
    await expect.poll(() => c.mine?.stars).toEqual([cardId]);
    for (const p of [f, a, b]) expect(p.mine?.stars).toEqual([]);
    expect(JSON.stringify(a.patches.at(-1))).not.toContain('star');
    const moved = await f.must({ type: 'next_phase', from: 3 });
    await f.reach(moved);
    expect(f.view!.done).toEqual([]);
    expect(server.logs.join('\n')).not.toContain('CanarySilentSw1');
  });

  it('[RC-2] a recipe is checked as phases at creation: 200 with the recipe, 400 with the phase at fault', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev', autoAdvance: true });
    const f = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'f');
    people.push(f);
    const recipe = recipeOf(f.view!);
    const ok = await check(recipe);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ recipe });
    const bad = {
      ...recipe,
      phases: recipe.phases.map((p, i) => (i === 4 ? { ...p, durationMs: 30_000 } : p)),
    };
    const refused = await check(bad);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string; phase: number } }).error).toMatchObject({
      code: 'invalid',
      phase: 4,
    });
    expect((await check({ ...recipe, format: 'other' })).status).toBe(400);
    // A room created from a recipe has exactly its phases.
    const again = await createRoom(server.url, { template: recipe.template, phases: recipe.phases });
    const g = await join(
      server.url,
      { code: again.code, name: 'Gus', facilitatorKey: again.facilitatorKey! },
      'g',
    );
    people.push(g);
    expect(g.view!.phases).toEqual(f.view!.phases);
  });

  it('[RC-3] every shipped recipe passes the check and opens a room', async () => {
    for (const shipped of shippedRecipes) {
      expect((await check(shipped.recipe)).status, shipped.id).toBe(200);
      const { format: _format, name: _name, phases, template, ...settings } = shipped.recipe;
      await createRoom(server.url, { template, phases, ...settings });
    }
  });
});
