import { TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { can, nameOf } from '../state/derived.js';
import { participantId, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/** The commitments: what, by when, with whom; and the confidence from 1 to 10. */
export function ActionPlanPanel() {
  const v = view.value;
  if (!v) return null;
  const items = Object.values(v.actionPlan).sort((a, b) => a.createdAt - b.createdAt);
  const mayAdd = can('add_action');
  const mayConfide = can('set_confidence');
  const confidences = Object.entries(v.confidence);
  if (items.length === 0 && !mayAdd && !mayConfide && confidences.length === 0) return null;
  const me = participantId.value;
  const twoRounds = v.template.swap !== null;
  return (
    <section class="panel" aria-labelledby="plan-title" data-testid="action-plan">
      <h2 id="plan-title">
        <Icon name="target" /> {t().plan.title}
      </h2>
      {items.length === 0 ? (
        <p class="hint">{t().plan.empty}</p>
      ) : (
        <ul class="plan-list">
          {items.map((item) => (
            <li key={item.id}>
              <div class="grow">
                <div class="what">{item.what}</div>
                <div class="hint">
                  {[
                    item.byWhen && `${t().plan.byWhen}${t().colon}${item.byWhen}`,
                    item.withWhom && `${t().plan.withWhom}${t().colon}${item.withWhom}`,
                    nameOf(item.ownerId),
                    twoRounds ? t().plan.round(item.coachingRound) : '',
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </div>
              {item.ownerId === me && can('remove_action') && (
                <button
                  type="button"
                  class="small ghost"
                  aria-label={t().plan.remove(item.what)}
                  onClick={() => void sendCommand({ type: 'remove_action', itemId: item.id })}
                >
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayAdd && <AddActionForm />}
      {confidences.map(([id, value]) =>
        id === me && mayConfide ? null : (
          <p key={id} class="hint" data-testid="confidence-value">
            {t().plan.confidenceOf(nameOf(id), value)}
          </p>
        ),
      )}
      {mayConfide && me && <ConfidenceScale value={v.confidence[me] ?? null} />}
    </section>
  );
}

function AddActionForm() {
  const what = useSignal('');
  const byWhen = useSignal('');
  const withWhom = useSignal('');
  return (
    <form
      class="postbox"
      onSubmit={(e) => {
        e.preventDefault();
        if (!what.value.trim()) return;
        void sendCommand({
          type: 'add_action',
          what: what.value.trim(),
          byWhen: byWhen.value.trim(),
          withWhom: withWhom.value.trim(),
        });
        what.value = '';
        byWhen.value = '';
        withWhom.value = '';
      }}
    >
      <div class="field">
        <label for="action-what">{t().plan.what}</label>
        <input
          id="action-what"
          maxLength={TEXT_LIMITS.actionWhat}
          value={what.value}
          onInput={(e) => (what.value = e.currentTarget.value)}
        />
      </div>
      <div class="row">
        <div class="field grow">
          <label for="action-when">{t().plan.byWhen}</label>
          <input
            id="action-when"
            maxLength={TEXT_LIMITS.actionByWhen}
            value={byWhen.value}
            onInput={(e) => (byWhen.value = e.currentTarget.value)}
          />
        </div>
        <div class="field grow">
          <label for="action-who">{t().plan.withWhom}</label>
          <input
            id="action-who"
            maxLength={TEXT_LIMITS.actionWithWhom}
            value={withWhom.value}
            onInput={(e) => (withWhom.value = e.currentTarget.value)}
          />
        </div>
      </div>
      <button type="submit" class="primary" disabled={!what.value.trim()}>
        {t().plan.add}
      </button>
    </form>
  );
}

function ConfidenceScale({ value }: { value: number | null }) {
  return (
    <fieldset class="field postbox plain">
      <legend>
        <strong>{t().plan.confidenceLabel}</strong> <span class="hint">{t().plan.confidenceHint}</span>
      </legend>
      <div class="scale">
        {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
          <button
            key={n}
            type="button"
            class="small"
            aria-pressed={value === n}
            onClick={() => void sendCommand({ type: 'set_confidence', value: n })}
          >
            {n}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
