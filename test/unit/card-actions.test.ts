import {
  allowedCommands,
  type CardView,
  type CommandType,
  type CreateRoomInput,
  decide,
  type EngineCommand,
  isDriver,
  postableKinds,
  publicView,
  type Room,
  type TemplateId,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { type CardAction, cardActions } from '../../client/src/state/cardActions.js';
import { Host } from './fixtures.js';

/**
 * VW-5 on the page's card buttons: `cardActions` is what the board draws on each card (Board.tsx). For
 * every method, phase and seat, every button it offers on every card is accepted by the engine, hidden
 * (silent) cards, kept and set-aside ones included.
 */

/** A started room of this method with every role seated: the key seat `k` (if any), then `p1`, `p2`... */
function seatedRoom(templateId: TemplateId, options: Partial<CreateRoomInput> = {}): Host {
  const host = new Host(templateId, templateId === 'peer-coaching' ? { facilitatorKeyHash: null } : options);
  const template = host.room.template;
  const people: string[] = [];
  if (template.keyRole) host.join('k', 'Key', true);
  let n = 0;
  for (const slot of template.roles.filter((s) => s.role !== template.keyRole)) {
    for (let i = 0; i < Math.max(slot.min, 1) + (slot.max > 1 ? 1 : 0) && i < slot.max; i++) {
      const id = `p${++n}`;
      host.join(id);
      people.push(id);
      const driver = template.keyRole ? 'k' : (people[0] ?? id);
      if (host.room.participants[id]?.role !== slot.role)
        host.try(driver, { type: 'assign_role', participantId: id, role: slot.role });
    }
  }
  const driver = template.keyRole ? 'k' : 'p1';
  host.ok(driver, { type: 'start' });
  return host;
}

const members = (room: Room) =>
  Object.values(room.participants)
    .filter((p) => p.admission === 'admitted')
    .map((p) => p.id);

/** The buttons one seat sees on every card, as the page computes them from its view. */
function offered(room: Room, id: string) {
  const view = publicView(room);
  const seat = room.participants[id];
  const viewer = { id, anonymousCardIds: seat?.anonymousCardIds };
  const allowed = new Set<CommandType>(allowedCommands(view, viewer, 0));
  return Object.values(view.cards).flatMap((card: CardView) => {
    const text = card.hidden ? (seat?.hiddenTexts?.[card.id] ?? '') : card.text;
    return cardActions(view, viewer, allowed, card, text, seat?.stars.includes(card.id) ?? false);
  });
}

const seen = new Set<CardAction>();

/** Every button every seat sees is accepted (on the room as it is: decide never changes its input). */
function checkAll(host: Host, where: string): void {
  for (const id of members(host.room)) {
    for (const { action, command } of offered(host.room, id)) {
      const decision = decide(host.room, command as EngineCommand, {
        actor: id,
        now: host.now,
        newId: host.newId,
      });
      expect(
        decision.ok ? 'accepted' : decision.code,
        `${where}: ${id} ${action} ${JSON.stringify(command)}`,
      ).toBe('accepted');
      seen.add(action);
    }
  }
}

function walkPhases(host: Host, label: string): void {
  const driver = members(host.room).find((id) => isDriver(publicView(host.room), id)) ?? '';
  for (let index = 0; index < host.room.phases.length; index++) {
    if (host.room.phaseIndex !== index)
      host.ok(driver, { type: 'jump_phase', from: host.room.phaseIndex, index });
    const where = `${label} ${host.phaseId}`;
    // Everyone who may write posts one card of each kind they may; one anonymously where allowed.
    for (const id of members(host.room)) {
      const role = host.room.participants[id]?.role;
      if (!role) continue;
      for (const kind of postableKinds(publicView(host.room), role)) {
        host.try(id, {
          type: 'post_card',
          kind,
          text: `${kind} by ${id}`,
          anonymous: host.room.allowAnonymousCards,
        });
      }
    }
    checkAll(host, where);
    // Then every button is pressed for real once, one seat after the other, and all is checked again:
    // stars, kept and set-aside cards bring their own buttons (unstar, reopen).
    for (const id of members(host.room)) {
      for (const { command } of offered(host.room, id)) {
        if (command.type !== 'withdraw_card') host.try(id, command as EngineCommand);
      }
    }
    checkAll(host, `${where} (after)`);
    if (host.room.phases[index]?.silent && !host.room.revealed) {
      host.try(driver, { type: 'reveal_cards' });
      checkAll(host, `${where} (revealed)`);
    }
  }
}

describe('[VW-5] the card buttons the page draws are the policy’s', () => {
  it('[VW-5][BD-2][PM-1][SW-1] every card button offered to any seat in any phase of any method is accepted', () => {
    const silent = ['expose', 'clarification', 'contract', 'consultation', 'synthesis', 'learning'].map(
      (from) => ({
        from,
        ...(from === 'clarification' || from === 'consultation' ? { silent: true } : {}),
      }),
    );
    walkPhases(seatedRoom('codev'), 'codev');
    walkPhases(seatedRoom('codev', { allowAnonymousCards: true, phases: silent }), 'codev silent');
    walkPhases(seatedRoom('peer-coaching'), 'pair');
    walkPhases(seatedRoom('tripartite-framing'), 'framing');
    walkPhases(seatedRoom('tripartite-closing'), 'closing');
    // Not vacuous: each kind of button was offered (and accepted) somewhere.
    expect([...seen].sort()).toEqual(['edit', 'keep', 'reopen', 'set_aside', 'star', 'unstar', 'withdraw']);
  });
});
