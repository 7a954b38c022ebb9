import {
  floorNow,
  mayRecord,
  postableKinds,
  type Role,
  statementField,
  statementKindSchema,
} from '@cercle/shared';
import { loc, t } from '../i18n/index.js';
import { tr } from '../i18n/words.js';
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

/** What I do now, in one sentence, and the tone of that sentence (speak, listen, neutral): FL-4. */
export function whatIDoNow(): { text: string; tone: 'speak' | 'listen' | 'neutral' } {
  const v = view.value;
  const p = phase.value;
  const role = myRole.value;
  const me = participantId.value;
  const texts = t().now;
  const words = tr().floor;
  if (!v || !p || !role || !me) return { text: '', tone: 'neutral' };
  if (v.status === 'lobby') {
    const text = isPair.value ? texts.lobbyPair : amDriver.value ? texts.lobbyDriver : texts.lobby;
    return { text, tone: 'neutral' };
  }
  if (v.status === 'ended') return { text: texts.ended, tone: 'neutral' };
  const now = floorNow(v, me);
  switch (now.kind) {
    case 'idle':
      return { text: '', tone: 'neutral' };
    case 'you':
      return {
        text:
          now.via === 'round' ? words.yourTurnInRound : now.via === 'alone' ? words.youAlone : words.youSpeak,
        tone: 'speak',
      };
    case 'speaker': {
      const name = nameOf(now.speakerId);
      const round = now.via === 'round';
      switch (now.me.kind) {
        case 'wait_turn':
          return { text: words.roundWait(name, now.me.turns), tone: 'listen' };
        case 'had_turn':
          return { text: words.roundDone(name), tone: 'listen' };
        case 'hand_raised':
          return { text: words.speakerHand(name, now.me.position), tone: 'listen' };
        case 'may_raise':
          return { text: words.speakerRaise(name), tone: 'listen' };
        case 'facilitate':
          return {
            text: texts.facilitate(round ? words.roundHolds(name) : words.holds(name)),
            tone: 'neutral',
          };
        default:
          return {
            text: round ? words.roundListen(name) : texts.youListenTo(words.holds(name)),
            tone: 'listen',
          };
      }
    }
    case 'open': {
      const who = floorPhrase(now.roles.length > 0 ? now.roles : p.floor);
      const together = now.roles.map((r) => t().rolesPlural[r]);
      const list =
        together.length > 1
          ? `${together.slice(0, -1).join(', ')}${texts.and}${together.at(-1)}`
          : (together[0] ?? '');
      switch (now.me) {
        case 'shared':
          return { text: words.shared(list), tone: 'speak' };
        case 'in_turn':
          return { text: words.inTurn(list), tone: 'speak' };
        case 'facilitate':
          return { text: texts.facilitate(who), tone: 'neutral' };
        default:
          return {
            text: p.board.length > 0 ? texts.youListenNotes(who) : texts.youListenTo(who),
            tone: 'listen',
          };
      }
    }
  }
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
  if (can('set_statement')) {
    // RD-3: each statement this phase opens to me, named for what it is.
    for (const kind of statementKindSchema.options.filter((k) => mayRecord(v, role, k))) {
      lines.push(tr().fields[statementField(v.template.id, kind)].doing);
    }
  }
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
        {!lobby && (
          <Countdown
            timer={v.timer}
            phaseName={loc(p.name)}
            warnBeforeMs={v.warnBeforeMs}
            plannedMs={p.durationMs}
          />
        )}
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
