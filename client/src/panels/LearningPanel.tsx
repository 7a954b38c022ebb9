import { mayRecord, TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { formatNumber, t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { can, myRole, nameOf } from '../state/derived.js';
import { sendDraft, useDraft } from '../state/drafts.js';
import { participantId, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/** The last phase: what each takes away, and a short review of the session. */
export function LearningPanel() {
  const v = view.value;
  const role = myRole.value;
  if (!v || !role) return null;
  const learnings = Object.values(v.learnings).sort((a, b) => a.at - b.at);
  const mayLearn = can('add_learning');
  const mayEvaluate = can('submit_evaluation') && mayRecord(v, role, 'evaluation');
  const evaluations = Object.values(v.evaluations);
  if (learnings.length === 0 && !mayLearn && !mayEvaluate) return null;
  return (
    <section class="panel" aria-labelledby="learning-title" data-testid="learnings">
      <h2 id="learning-title">
        <Icon name="sprout" /> {t().learning.title}
      </h2>
      {learnings.length === 0 ? (
        <p class="hint">{t().learning.empty}</p>
      ) : (
        <ul class="card-list">
          {learnings.map((l) => (
            <li class="card" key={l.id}>
              <p class="text">{l.text}</p>
              <div class="meta">{nameOf(l.authorId)}</div>
            </li>
          ))}
        </ul>
      )}
      {mayLearn && <AddLearning />}
      {(mayEvaluate || evaluations.length > 0) && (
        <div class="postbox">
          <h3>{t().learning.evalTitle}</h3>
          {evaluations.length > 0 && (
            <p class="hint">
              {t().learning.average(
                formatNumber(evaluations.reduce((s, e) => s + e.rating, 0) / evaluations.length),
                evaluations.length,
              )}
            </p>
          )}
          {mayEvaluate && <EvaluationForm />}
        </div>
      )}
    </section>
  );
}

function AddLearning() {
  const text = useDraft('learning');
  return (
    <form
      class="postbox"
      data-compose
      onSubmit={(e) => {
        e.preventDefault();
        const value = text.value.trim();
        if (!value) return;
        void sendDraft('learning', value, () => sendCommand({ type: 'add_learning', text: value }));
      }}
    >
      <label for="learning-text">{t().learning.write}</label>
      <textarea
        id="learning-text"
        maxLength={TEXT_LIMITS.learning}
        value={text.value}
        onInput={(e) => text.set(e.currentTarget.value)}
      />
      <button type="submit" class="primary" disabled={!text.value.trim()}>
        {t().learning.add}
      </button>
    </form>
  );
}

function EvaluationForm() {
  const me = participantId.value;
  const existing = me ? view.value?.evaluations[me] : undefined;
  const rating = useSignal<number | null>(existing?.rating ?? null);
  const comment = useDraft('evaluation', existing?.comment ?? '');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const value = rating.value;
        if (value === null) return;
        const words = comment.value.trim();
        void sendDraft('evaluation', words, () =>
          sendCommand({ type: 'submit_evaluation', rating: value, comment: words }),
        );
      }}
    >
      <fieldset class="plain">
        <legend class="hint">{t().learning.rating}</legend>
        <div class="scale">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              class="small"
              aria-label={t().learning.ratingValue(n)}
              aria-pressed={rating.value === n}
              onClick={() => (rating.value = n)}
            >
              {'★'.repeat(n)}
            </button>
          ))}
        </div>
      </fieldset>
      <label for="evaluation-comment">{t().learning.comment}</label>
      <input
        id="evaluation-comment"
        maxLength={TEXT_LIMITS.evaluationComment}
        value={comment.value}
        onInput={(e) => comment.set(e.currentTarget.value)}
      />
      <div class="row">
        <button type="submit" class="primary" disabled={rating.value === null}>
          {t().learning.send}
        </button>
        {existing && <span class="hint">{t().learning.sent}</span>}
      </div>
    </form>
  );
}
