import { CIRCLE_LIMITS, type FollowUpStatus } from '@cercle/shared';
import type { Signal } from '@preact/signals';
import { ct } from './texts.js';

const statuses: FollowUpStatus[] = ['done', 'in_progress', 'dropped'];

/** CI-8, CS-2: a mark as its owner gives it: the note trimmed, the confidence only when a whole 1 to 10. */
export function followUpMark(status: FollowUpStatus, note: string, confidence: string) {
  const value = Number(confidence);
  return {
    status,
    note: note.trim(),
    ...(confidence && Number.isInteger(value) && value >= 1 && value <= 10 ? { confidenceNow: value } : {}),
  };
}

/**
 * The owner's controls for one carried action item, the same in the session room and on the circle's
 * page: a note, the confidence now, one button per status.
 */
export function FollowUpMarkForm(props: {
  what: string;
  current: FollowUpStatus;
  note: string;
  onNote: (text: string) => void;
  confidence: Signal<string>;
  onMark: (status: FollowUpStatus) => void;
}) {
  const { what, current, note, onNote, confidence, onMark } = props;
  return (
    <fieldset class="actions plain">
      <input
        aria-label={ct().note}
        placeholder={ct().note}
        maxLength={CIRCLE_LIMITS.followUpNote}
        value={note}
        onInput={(e) => onNote(e.currentTarget.value)}
      />
      <input
        aria-label={ct().confidenceNow}
        type="number"
        min={1}
        max={10}
        value={confidence.value}
        onInput={(e) => (confidence.value = e.currentTarget.value)}
      />
      {statuses.map((status) => (
        <button
          key={status}
          type="button"
          class="small"
          aria-pressed={current === status}
          aria-label={ct().markAs(ct().statuses[status], what)}
          onClick={() => onMark(status)}
        >
          {ct().statuses[status]}
        </button>
      ))}
    </fieldset>
  );
}
