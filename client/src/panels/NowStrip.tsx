import { postableKinds, type Role } from '@cercle/shared';
import { loc, t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { admittedPeople, amDriver, can, isPair, myRole, nameOf, phase } from '../state/derived.js';
import { participantId, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';
import { Countdown } from './Countdown.js';

/** "Who speaks" as a phrase: "the consultants speak", "the client and the consultants have the floor". */
export function floorPhrase(roles: Role[]): string {
  const texts = t();
  if (roles.length === 1 && roles[0]) return texts.now.speaks[roles[0]];
  const names = roles.map((r) => texts.rolesPlural[r]);
  const list =
    names.length > 1 ? `${names.slice(0, -1).join(', ')}${texts.now.and}${names.at(-1)}` : (names[0] ?? '');
  return texts.now.speakTogether(list);
}

/** What I do now, in one sentence, and the tone of that sentence (speak, listen, neutral). */
export function whatIDoNow(): { text: string; tone: 'speak' | 'listen' | 'neutral' } {
  const v = view.value;
  const p = phase.value;
  const role = myRole.value;
  const me = participantId.value;
  const texts = t().now;
  if (!v || !p || !role || !me) return { text: '', tone: 'neutral' };
  if (v.status === 'lobby') {
    const text = isPair.value ? texts.lobbyPair : amDriver.value ? texts.lobbyDriver : texts.lobby;
    return { text, tone: 'neutral' };
  }
  if (v.status === 'ended') return { text: texts.ended, tone: 'neutral' };
  const speaker = v.floor.round ? v.floor.round.order[v.floor.round.index] : v.floor.speakerId;
  if (speaker === me) return { text: texts.youSpeak, tone: 'speak' };
  const others = p.floor.filter((r) => r !== role);
  if (!p.floor.includes(role)) {
    if (role === v.template.keyRole) return { text: texts.facilitate(floorPhrase(p.floor)), tone: 'neutral' };
    const othersWrite = p.board.length > 0;
    return {
      text: othersWrite
        ? texts.youListenNotes(floorPhrase(p.floor))
        : texts.youListenTo(floorPhrase(p.floor)),
      tone: 'listen',
    };
  }
  if (others.length === 0) return { text: texts.youSpeak, tone: 'speak' };
  return { text: texts.shared, tone: 'speak' };
}

/** The few extra things I may do in this phase, each in words. */
function extraPermissions(): string[] {
  const v = view.value;
  const role = myRole.value;
  const texts = t();
  if (!v || !role || v.status !== 'running') return [];
  const lines: string[] = [];
  const kinds = postableKinds(v, role);
  if (kinds.length > 0 && can('post_card')) {
    lines.push(texts.now.canPost(kinds.map((k) => texts.cardKindOne[k]).join(texts.now.and)));
  }
  if (can('set_statement')) lines.push(texts.now.canWriteRequest);
  if (can('keep_card')) lines.push(texts.now.canTriage);
  if (can('add_learning')) lines.push(texts.now.canLearn);
  lines.push(texts.now.logbookAlways);
  return lines;
}

/** The top of the room: which phase, the countdown, who holds the floor, and what I may do now. */
export function NowStrip() {
  const v = view.value;
  const p = phase.value;
  const role = myRole.value;
  if (!v || !p) return null;
  const doing = whatIDoNow();
  const round = v.floor.round;
  const roundSpeaker = round ? round.order[round.index] : null;
  const me = participantId.value;
  const handRaised = me ? v.floor.hands.includes(me) : false;
  const lobby = v.status === 'lobby';
  // Hands matter only when several people may speak: alone on the floor, there is nobody to queue behind.
  const floorHolders = admittedPeople.value.filter((person) => p.floor.includes(person.role)).length;
  return (
    <section class="panel" aria-labelledby="phase-name">
      <div class="now">
        {!lobby && <Countdown timer={v.timer} phaseName={loc(p.name)} />}
        <div class="phase-head">
          <p class="hint">
            {lobby ? t().room.lobby : t().room.phaseOf(v.phaseIndex + 1, v.phases.length)}
            {v.template.swap && !lobby ? ` · ${t().room.round(v.coachingRound)}` : ''}
            {role ? ` · ${t().room.youAre(t().roles[role])}` : ''}
          </p>
          <h1 class="phase-name" id="phase-name">
            {lobby ? loc(v.template.name) : loc(p.name)}
          </h1>
          <p class="purpose">
            {lobby
              ? amDriver.value || v.template.driver === 'any_member'
                ? loc(v.template.description)
                : t().room.lobbyText
              : loc(p.purpose)}
          </p>
          <p class={`doing ${doing.tone}`} data-testid="doing" aria-live="polite">
            {doing.text}
          </p>
          {!lobby && (
            <ul class="doing-more">
              {extraPermissions().map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {!lobby && v.floor.speakerId && !round && (
            <p class="speaker-line">
              <Icon name="mic" />{' '}
              {v.floor.speakerId === me ? t().room.youSpeak : t().room.speaker(nameOf(v.floor.speakerId))}
            </p>
          )}
          {round && roundSpeaker && (
            <div class="row speaker-line">
              <span>
                <Icon name="repeat" />{' '}
                {t().room.roundSpeaker(nameOf(roundSpeaker), round.index + 1, round.order.length)}
              </span>
              <Countdown timer={round.timer} compact />
            </div>
          )}
          {!lobby && !isPair.value && ((can('raise_hand') && floorHolders > 1) || handRaised) && (
            <div class="row">
              <button
                type="button"
                aria-pressed={handRaised}
                onClick={() => void sendCommand(handRaised ? { type: 'lower_hand' } : { type: 'raise_hand' })}
              >
                <Icon name="hand" /> {handRaised ? t().people.lower : t().people.raise}
              </button>
              <span class="hint">{t().people.handQueue(v.floor.hands.length)}</span>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
