import { type CardView, TEXT_LIMITS } from '@cercle/shared';
import { t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { can } from '../state/derived.js';
import { sendDraft, useDraft } from '../state/drafts.js';
import { participantId, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

type Verdict = 'met' | 'partly_met' | 'not_met';
const verdicts: Verdict[] = ['met', 'partly_met', 'not_met'];

/** Closing meeting: each indicator agreed at framing, reviewed one by one. */
export function IndicatorPanel() {
  const v = view.value;
  if (!v) return null;
  const indicators = Object.values(v.cards).filter((c) => c.kind === 'indicator');
  const mayReview = can('review_indicator');
  const reviews = v.indicatorReviews;
  if (indicators.length === 0 || (!mayReview && Object.keys(reviews).length === 0)) return null;
  return (
    <section class="panel" aria-labelledby="indicators-title">
      <h2 id="indicators-title">
        <Icon name="ruler" /> {t().indicators.title}
      </h2>
      <ul class="card-list">
        {indicators.map((card) => (
          <IndicatorRow key={card.id} card={card} editable={mayReview} />
        ))}
      </ul>
    </section>
  );
}

/** Each party's verdict and comment side by side (TR-3); the viewer's own buttons show their own. */
function IndicatorRow({ card, editable }: { card: CardView; editable: boolean }) {
  const v = view.value;
  const reviews = Object.values(v?.indicatorReviews[card.id] ?? {});
  return (
    <li class="card">
      <p class="text">{card.text}</p>
      {reviews.length > 0 && (
        <ul class="verdicts">
          {reviews.map((each) => (
            <li key={each.reviewerId} class="meta">
              <strong>{v?.participants[each.reviewerId]?.displayName ?? ''}</strong>{' '}
              <span
                class={`badge ${each.verdict === 'met' ? 'ok' : each.verdict === 'partly_met' ? 'warn' : ''}`}
              >
                {t().indicators[each.verdict]}
              </span>{' '}
              {each.note && <span>{each.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {editable && <ReviewControls card={card} />}
    </li>
  );
}

/** My verdict on one indicator, with a note kept as a draft like any box (PG-1). */
function ReviewControls({ card }: { card: CardView }) {
  const myId = participantId.value;
  const review = myId ? view.value?.indicatorReviews[card.id]?.[myId] : undefined;
  const box = `indicator.${card.id}`;
  const note = useDraft(box, review?.note ?? '');
  return (
    <fieldset class="actions plain">
      <legend class="sr-only">{t().indicators.verdict(card.text)}</legend>
      <input
        aria-label={t().indicators.note}
        placeholder={t().indicators.note}
        maxLength={TEXT_LIMITS.indicatorNote}
        value={note.value}
        onInput={(e) => note.set(e.currentTarget.value)}
      />
      {verdicts.map((verdict) => (
        <button
          key={verdict}
          type="button"
          class="small"
          aria-pressed={review?.verdict === verdict}
          onClick={() => {
            const words = note.value.trim();
            void sendDraft(box, words, () =>
              sendCommand({ type: 'review_indicator', cardId: card.id, verdict, note: words }),
            );
          }}
        >
          {t().indicators[verdict]}
        </button>
      ))}
    </fieldset>
  );
}
