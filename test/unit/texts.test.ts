import {
  buildRoom,
  decide,
  publicView,
  type Room,
  type RoomView,
  TEXTS_VERSION,
  type TemplateId,
  templates,
  withBuiltInTexts,
  withoutBuiltInTexts,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';

const ids = Object.keys(templates) as TemplateId[];

function room(templateId: TemplateId, extra: Record<string, unknown> = {}): Room {
  const built = buildRoom({ code: 'ROOM', templateId, facilitatorKeyHash: 'k', ...extra }, 1_000);
  if (!built.ok) throw new Error(built.code);
  return built.room;
}

/** The view as it travels: JSON text and back, as a client holds it. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('built-in texts left out of snapshots (VW-10)', () => {
  it.each(ids)('[VW-10] %s: the lean view, put back, is the view; its built-in texts are gone', (id) => {
    const view = publicView(room(id, { followUp: [], topicRound: id === 'codev' }));
    const lean = wire(withoutBuiltInTexts(view));
    expect(withBuiltInTexts(lean)).toEqual(view);
    expect(lean.template).not.toHaveProperty('name');
    expect(lean.template).not.toHaveProperty('rules');
    for (const phase of lean.phases) expect(phase).not.toHaveProperty('purpose');
    // Everything but the texts stays: ids, durations, policies.
    expect(lean.phases.map((p) => [p.id, p.durationMs, p.floor])).toEqual(
      view.phases.map((p) => [p.id, p.durationMs, p.floor]),
    );
    expect(JSON.stringify(lean).length).toBeLessThan(JSON.stringify(view).length / 2);
  });

  it('[VW-10] a circle’s steps are built-in texts too', () => {
    const view = publicView(room('codev', { topicRound: true }));
    expect(view.phases[0]!.id).toBe('topic-round');
    const lean = wire(withoutBuiltInTexts(view));
    expect(lean.phases[0]).not.toHaveProperty('name');
    expect(withBuiltInTexts(lean)).toEqual(view);
  });

  it('[VW-10] texts a room has of its own are always sent: a phase renamed, added, or edited in the lobby', () => {
    const custom = room('codev', {
      phases: [
        { from: 'expose', durationMs: 5 * 60_000 },
        { from: 'consultation', name: { fr: 'Idées', en: 'Ideas' } },
        { name: { fr: 'Pause', en: 'Break' }, durationMs: 2 * 60_000 },
      ],
    });
    const lean = wire(withoutBuiltInTexts(publicView(custom)));
    // Only the duration changed: the texts are the built-in ones.
    expect(lean.phases[0]).not.toHaveProperty('name');
    expect(lean.phases[1]!.name).toEqual({ fr: 'Idées', en: 'Ideas' });
    expect(lean.phases[1]!.guide).toEqual(custom.phases[1]!.guide);
    expect(lean.phases[2]!.name).toEqual({ fr: 'Pause', en: 'Break' });
    expect(withBuiltInTexts(lean)).toEqual(publicView(custom));

    const lobby = room('custom');
    const edited = decide(
      lobby,
      { type: 'join', participantId: 'f', displayName: 'Fanny', tokenHash: 'h', facilitatorKeyHash: 'k' },
      { actor: null, now: 2_000, newId: () => 'x' },
    );
    if (!edited.ok) throw new Error(edited.code);
    const phaseId = edited.room.phases[1]!.id;
    const renamed = decide(
      edited.room,
      { type: 'edit_phase', phaseId, purpose: { fr: 'À nous', en: 'Ours' } },
      { actor: 'f', now: 3_000, newId: () => 'y' },
    );
    if (!renamed.ok) throw new Error(renamed.code);
    const view = publicView(renamed.room);
    const leanEdited = wire(withoutBuiltInTexts(view));
    expect(leanEdited.phases[1]!.purpose).toEqual({ fr: 'À nous', en: 'Ours' });
    expect(leanEdited.phases[0]).not.toHaveProperty('name');
    expect(withBuiltInTexts(leanEdited)).toEqual(view);
  });

  it('[VW-10] a view that carries every text comes back as it is', () => {
    const view = publicView(room('peer-coaching'));
    expect(withBuiltInTexts(wire(view) as RoomView)).toEqual(view);
  });

  it('[VW-10] the texts version names this set of texts', () => {
    expect(TEXTS_VERSION).toMatch(/^[0-9a-f]{16}$/);
  });
});
