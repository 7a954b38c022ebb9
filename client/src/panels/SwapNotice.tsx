import { useSignal } from '@preact/signals';
import { t } from '../i18n/index.js';
import { admittedPeople, myRole } from '../state/derived.js';
import { view } from '../state/session.js';

/** Peer coaching, round two: the swap must be impossible to miss, for both members. */
export function SwapNotice() {
  const dismissed = useSignal(false);
  const v = view.value;
  const role = myRole.value;
  if (!v?.template.swap || v.coachingRound !== 2 || v.status !== 'running' || !role) return null;
  const coach = admittedPeople.value.find((p) => p.role === 'coach')?.displayName ?? '';
  const coachee = admittedPeople.value.find((p) => p.role === 'coachee')?.displayName ?? '';
  if (dismissed.value) {
    return (
      <p class="badge warn" data-testid="swap-reminder">
        ⇄ {t().room.round(2)} · {t().room.youAre(t().roles[role])}
      </p>
    );
  }
  return (
    <div class="banner swap" role="status" data-testid="swap-notice">
      <strong>⇄ {t().swap.title}</strong>
      <p>{t().swap.text(coach, coachee)}</p>
      <p>
        <b>{t().swap.youAreNow(t().roles[role])}</b>
      </p>
      <button type="button" class="small" onClick={() => (dismissed.value = true)}>
        {t().swap.ok}
      </button>
    </div>
  );
}
