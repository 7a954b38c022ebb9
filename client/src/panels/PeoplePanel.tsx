import type { ParticipantView, Role } from '@cercle/shared';
import { t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { admittedPeople, amDriver, can, waitingPeople } from '../state/derived.js';
import { participantId, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/** Everyone, their role and presence, raised hands and the speaker; the driver assigns roles here. */
export function PeoplePanel() {
  const v = view.value;
  if (!v) return null;
  const people = admittedPeople.value;
  const waiting = amDriver.value ? waitingPeople.value : [];
  // The key seat comes with the facilitator key, never by assignment.
  const roles = v.template.roles.map((slot) => slot.role).filter((r) => r !== v.template.keyRole);
  const mayAssign = can('assign_role') && roles.length > 1;
  return (
    <section class="panel" aria-labelledby="people-title" data-testid="people">
      <h2 id="people-title">
        {t().people.title} <span class="count">({people.length})</span>
      </h2>
      {waiting.length > 0 && (
        <ul class="people" aria-label={t().room.waitingPeople(waiting.length)}>
          {waiting.map((p) => (
            <li key={p.id}>
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
            </li>
          ))}
        </ul>
      )}
      <ul class="people">
        {people.map((p) => (
          <Person key={p.id} person={p} roles={roles} mayAssign={mayAssign} />
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
  // In a pair there is nobody to arbitrate the floor: no give-floor buttons.
  const mayHoldFloor = v.phases[v.phaseIndex]?.floor.includes(person.role) ?? false;
  const canGive =
    can('give_floor') && v.status === 'running' && !speaking && mayHoldFloor && v.template.keyRole !== null;
  return (
    <li data-participant-id={person.id}>
      <span class={`dot ${person.presence === 'away' ? 'away' : ''}`} aria-hidden="true" />
      <span class="grow">
        <span class="who">{person.displayName}</span>{' '}
        {person.id === me && <span class="hint">{t().people.you}</span>}
        <span class="sr-only">, {person.presence === 'away' ? t().people.away : t().people.online}</span>
        {person.presence === 'away' && <span class="hint"> · {t().people.away}</span>}
      </span>
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
      {mayAssign && person.role !== v.template.keyRole ? (
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
          {roles.map((r) => (
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
    </li>
  );
}
