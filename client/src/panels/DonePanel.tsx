import { expectedToFinish } from '@cercle/shared';
import { tp } from '../i18n/in-phase.js';
import { sendCommand } from '../net/connection.js';
import { amDriver, can } from '../state/derived.js';
import { participantId, view } from '../state/session.js';

/**
 * "I'm done" (DN-1, DN-2): those expected in the phase say when they have finished; everyone sees the
 * count, the driver the names of those done and of those not yet. The button comes from the policy.
 */
export function DonePanel() {
  const v = view.value;
  const me = participantId.value;
  if (v?.status !== 'running' || !me) return null;
  const expected = expectedToFinish(v);
  if (expected.length === 0) return null;
  const done = expected.filter((seat) => v.done.includes(seat.id));
  const waiting = expected.filter((seat) => !v.done.includes(seat.id));
  const iAmDone = v.done.includes(me);
  const names = (list: typeof expected) =>
    list.length === 0 ? tp().done.nobody : list.map((seat) => seat.displayName).join(', ');
  return (
    <section class="panel done-panel" aria-label={tp().done.title} data-testid="done-panel">
      <p class="done-count" role="status" aria-live="polite">
        <strong>{tp().done.count(done.length, expected.length)}</strong>
        {iAmDone && <span class="hint"> · {tp().done.youAreDone}</span>}
      </p>
      {amDriver.value && (
        <ul class="plain hint" data-testid="done-names">
          <li>{tp().done.doneNames(names(done))}</li>
          <li>{tp().done.waitingNames(names(waiting))}</li>
        </ul>
      )}
      {can('set_done') && (
        <button
          type="button"
          class={iAmDone ? 'small' : 'primary small'}
          aria-pressed={iAmDone}
          onClick={() => void sendCommand({ type: 'set_done', done: !iAmDone })}
        >
          {iAmDone ? tp().done.notDone : `✓ ${tp().done.imDone}`}
        </button>
      )}
    </section>
  );
}
