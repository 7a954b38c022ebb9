import type { ParticipantView, Role } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { admittedPeople, amDriver, can, permitted, releasedPeople, waitingPeople } from '../state/derived.js';
import { participantId, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/**
 * Everyone, their role and presence, raised hands and the speaker; the driver assigns roles and removes
 * people here. Someone whose connection dropped shows as away (their seat is kept for a while); past that
 * grace period the seat is released and they show as left, until their link brings them back (RM-7, RM-8).
 */
export function PeoplePanel() {
  const v = view.value;
  if (!v) return null;
  const people = admittedPeople.value;
  const left = releasedPeople.value;
  const waiting = amDriver.value ? waitingPeople.value : [];
  const roles = v.template.roles.map((slot) => slot.role);
  const mayAssign = can('assign_role');
  return (
    <section class="panel" aria-labelledby="people-title" data-testid="people">
      <h2 id="people-title">
        {t().people.title} <span class="count">({people.length})</span>
      </h2>
      {waiting.length > 0 && (
        <ul class="people" aria-label={t().room.waitingPeople(waiting.length)}>
          {waiting.map((p) => (
            <li key={p.id} data-participant-id={p.id}>
              <span class="badge warn">{t().people.waiting}</span>
              <span class="who grow">{p.displayName}</span>
              {can('admit') && (
                <button
                  type="button"
                  class="small primary"
                  aria-label={t().people.admit(p.displayName)}
                  onClick={() => void sendCommand({ type: 'admit', participantId: p.id })}
                >
                  {t().people.admitShort}
                </button>
              )}
              <RemoveButton person={p} />
            </li>
          ))}
          {can('clear_waiting') && (
            <li>
              <button type="button" class="small" onClick={() => void sendCommand({ type: 'clear_waiting' })}>
                {t().people.clearWaiting}
              </button>
            </li>
          )}
        </ul>
      )}
      <ul class="people">
        {people.map((p) => (
          <Person key={p.id} person={p} roles={roles} mayAssign={mayAssign} />
        ))}
        {left.map((p) => (
          <li key={p.id} class="left" data-participant-id={p.id} data-admission="released">
            <span class="dot away" aria-hidden="true" />
            <span class="grow">
              <span class="who">{p.displayName}</span>
              <span class="sr-only">, {t().people.left}</span>
            </span>
            <span class="badge away" title={t().people.leftHint}>
              {t().people.left}
            </span>
            <RemoveButton person={p} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Person({
  person,
  roles,
  mayAssign,
}: {
  person: ParticipantView;
  roles: Role[];
  mayAssign: boolean;
}) {
  const v = view.value;
  const me = participantId.value;
  if (!v) return null;
  const hand = v.floor.hands.indexOf(person.id);
  const speaking =
    v.floor.speakerId === person.id || (v.floor.round?.order[v.floor.round.index] ?? null) === person.id;
  const away = person.presence === 'away';
  // In a pair there is nobody to arbitrate the floor; during a round the round gives it.
  // In a pair there is nobody to arbitrate the floor: the pair just talks (the server would accept it).
  const canGive =
    v.template.keyRole !== null && !speaking && permitted({ type: 'give_floor', participantId: person.id });
  // The roles this seat may be given, from the policy (VW-5): the key seat none (it comes with the key).
  const choices = mayAssign
    ? roles.filter(
        (role) => role === person.role || permitted({ type: 'assign_role', participantId: person.id, role }),
      )
    : [];
  return (
    <li data-participant-id={person.id} data-presence={person.presence}>
      <span class={`dot ${away ? 'away' : ''}`} aria-hidden="true" />
      <span class="grow">
        <span class="who">{person.displayName}</span>{' '}
        {person.id === me && <span class="hint">{t().people.you}</span>}
        {!away && <span class="sr-only">, {t().people.online}</span>}
      </span>
      {away && <span class="badge away">{t().people.away}</span>}
      {hand >= 0 && (
        <span class="badge warn">
          <Icon name="hand" /> {hand + 1}
        </span>
      )}
      {speaking && (
        <span class="badge ok">
          <Icon name="mic" /> {t().people.speaking}
        </span>
      )}
      {choices.length > 1 ? (
        <select
          data-role={person.role}
          aria-label={t().people.role(person.displayName)}
          value={person.role}
          onChange={(e) =>
            void sendCommand({
              type: 'assign_role',
              participantId: person.id,
              role: e.currentTarget.value as Role,
            })
          }
        >
          {choices.map((r) => (
            <option key={r} value={r}>
              {t().roles[r]}
            </option>
          ))}
        </select>
      ) : (
        <span class="badge role" data-role={person.role}>
          {t().roles[person.role]}
        </span>
      )}
      {canGive && (
        <button
          type="button"
          class="small"
          aria-label={t().people.give(person.displayName)}
          onClick={() => void sendCommand({ type: 'give_floor', participantId: person.id })}
        >
          <Icon name="mic" />
        </button>
      )}
      <RemoveButton person={person} />
    </li>
  );
}

/**
 * The driver removes someone (RM-6), after a confirmation. Never themselves, never the seat the
 * facilitator key holds; a removal the method cannot run without is refused and said in words.
 */
function RemoveButton({ person }: { person: ParticipantView }) {
  const confirming = useSignal(false);
  const v = view.value;
  if (!v || !permitted({ type: 'remove_participant', participantId: person.id })) return null;
  if (!confirming.value) {
    return (
      <button
        type="button"
        class="small ghost"
        aria-label={t().people.remove(person.displayName)}
        title={t().people.remove(person.displayName)}
        onClick={() => (confirming.value = true)}
      >
        ✕
      </button>
    );
  }
  return (
    <div class="confirm" role="alertdialog" aria-label={t().people.remove(person.displayName)}>
      <p>{t().people.removeConfirm(person.displayName)}</p>
      <button
        type="button"
        class="small danger"
        onClick={() => {
          confirming.value = false;
          void sendCommand({ type: 'remove_participant', participantId: person.id });
        }}
      >
        {t().people.removeShort}
      </button>
      <button type="button" class="small" onClick={() => (confirming.value = false)}>
        {t().board.cancel}
      </button>
    </div>
  );
}
