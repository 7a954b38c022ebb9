import {
  type CarriedAction,
  FOLLOW_UP_PHASE_ID,
  type FollowUpStatus,
  TEXT_LIMITS,
  TOPIC_ROUND_PHASE_ID,
} from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { sendCommand } from '../net/connection.js';
import { can, nameOf, permitted, phase } from '../state/derived.js';
import { sendDraft, useDraft } from '../state/drafts.js';
import { mine, participantId, view } from '../state/session.js';
import { FollowUpMarkForm, followUpMark } from './FollowUpMarkForm.js';
import { ct } from './texts.js';

/**
 * The steps a circle puts at the start of its session's room (SPEC CS-1..4): the follow-up of earlier
 * action items, marked by their owners, and the codev topic round. Drawn from the same policy the server
 * applies (`permitted`), in the circle's words (texts.ts).
 */
export function RoomSteps() {
  const id = phase.value?.id;
  if (id === FOLLOW_UP_PHASE_ID) return <FollowUpStep />;
  if (id === TOPIC_ROUND_PHASE_ID) return <TopicRound />;
  return null;
}

function FollowUpStep() {
  const items = Object.values(view.value?.followUp ?? {}).sort(
    (a, b) => a.fromSession - b.fromSession || a.ownerName.localeCompare(b.ownerName),
  );
  if (items.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="room-follow-up" data-testid="follow-up-step">
      <h2 id="room-follow-up">{ct().followUpStepTitle}</h2>
      <ul class="card-list">
        {items.map((item) => (
          <FollowUpItemRow key={item.id} item={item} />
        ))}
      </ul>
    </section>
  );
}

function FollowUpItemRow({ item }: { item: CarriedAction }) {
  const note = useDraft(`follow-up.${item.id}`, item.note);
  const confidence = useSignal(item.confidenceNow === null ? '' : String(item.confidenceNow));
  const mayMark = permitted({ type: 'mark_follow_up', itemId: item.id, status: 'done', note: '' });
  const send = (status: FollowUpStatus) => {
    const mark = followUpMark(status, note.value, confidence.value);
    sendDraft(`follow-up.${item.id}`, mark.note, () =>
      sendCommand({ type: 'mark_follow_up', itemId: item.id, ...mark }),
    );
  };
  return (
    <li class="card">
      <p class="text">{item.what}</p>
      <p class="meta">
        {item.ownerName} · {ct().fromSession(item.fromSession)}
        {item.byWhen && <> · {item.byWhen}</>} · <strong>{ct().statuses[item.status]}</strong>
        {item.confidenceThen !== null && <> · {ct().confidenceThen(item.confidenceThen)}</>}
        {item.confidenceNow !== null && <> · {ct().confidenceNowValue(item.confidenceNow)}</>}
        {item.note && <> · {item.note}</>}
      </p>
      {mayMark && (
        <FollowUpMarkForm
          what={item.what}
          current={item.status}
          note={note.value}
          onNote={(text) => note.set(text)}
          confidence={confidence}
          onMark={send}
        />
      )}
    </li>
  );
}

function TopicRound() {
  const v = view.value;
  const round = v?.topicRound;
  const draft = useDraft(
    'topic-case',
    round && participantId.value ? (round.cases[participantId.value]?.text ?? '') : '',
  );
  if (!v || !round) return null;
  const cases = Object.entries(round.cases).sort(([, a], [, b]) => a.at - b.at);
  const holder = Object.values(v.participants).find((p) => p.admission === 'admitted' && p.role === 'client');
  const myVote = mine.value?.topicVote ?? null;
  const post = () => {
    const text = draft.value.replace(/\s+/g, ' ').trim();
    if (text) sendDraft('topic-case', text, () => sendCommand({ type: 'post_topic', text }));
  };
  return (
    <section class="panel" aria-labelledby="room-topic-round" data-testid="topic-round">
      <h2 id="room-topic-round">{ct().topicTitle}</h2>
      {round.chosenId ? (
        <p role="status">{ct().chosenCase(nameOf(round.chosenId))}</p>
      ) : (
        holder && <p class="meta">{ct().topicHolder(holder.displayName)}</p>
      )}
      {can('post_topic') && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            post();
          }}
        >
          <label for="topic-case">{ct().yourCase}</label>
          <input
            id="topic-case"
            maxLength={TEXT_LIMITS.topicCase}
            value={draft.value}
            onInput={(e) => draft.set(e.currentTarget.value)}
          />
          <button type="submit">{ct().postCase}</button>
        </form>
      )}
      {cases.length === 0 && <p>{ct().noCase}</p>}
      <ul class="card-list">
        {cases.map(([authorId, topic]) => {
          const name = nameOf(authorId);
          const votes = round.tally[authorId] ?? 0;
          return (
            <li key={authorId} class="card">
              <p class="text">{topic.text}</p>
              <p class="meta">
                {name} · {ct().votes(votes)}
                {myVote === authorId && <> · {ct().yourVote}</>}
                {round.chosenId === authorId && <> · ✓</>}
              </p>
              <div class="actions">
                {permitted({ type: 'vote_topic', participantId: authorId }) && (
                  <button
                    type="button"
                    class="small"
                    aria-pressed={myVote === authorId}
                    disabled={myVote === authorId}
                    onClick={() => void sendCommand({ type: 'vote_topic', participantId: authorId })}
                  >
                    {ct().voteFor(name)}
                  </button>
                )}
                {permitted({ type: 'confirm_topic', participantId: authorId }) && (
                  <button
                    type="button"
                    class="small primary"
                    onClick={() => void sendCommand({ type: 'confirm_topic', participantId: authorId })}
                  >
                    {ct().confirmCase(name)}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
