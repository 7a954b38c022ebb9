import { statementField, statementKindSchema } from '@cercle/shared';
import { tl } from '../i18n/live.js';
import { tr } from '../i18n/words.js';
import { can } from '../state/derived.js';
import { appendToDraft, discardDraft, isBoxOpen, keptDrafts } from '../state/drafts.js';
import { view } from '../state/session.js';
import { CopyButton } from '../ui/CopyButton.js';
import { Icon } from '../ui/Icon.js';

/** What a box is, in words, from its draft key. */
function boxName(box: string): string {
  const words = tl().boxes;
  if (box === 'post') return words.post;
  if (box.startsWith('edit-card.')) return words.edit;
  if (box.startsWith('statement.')) {
    const kind = statementKindSchema.safeParse(box.slice('statement.'.length));
    // RD-3: named for what it is in this room's method.
    return kind.success
      ? tr().fields[statementField(view.value?.template.id ?? 'codev', kind.data)].title
      : words.statement;
  }
  if (box.startsWith('action.') || box.startsWith('edit-action.')) return words.action;
  if (box === 'learning') return words.learning;
  if (box === 'evaluation') return words.evaluation;
  if (box.startsWith('indicator.')) return words.indicator;
  return words.other;
}

/**
 * The shelf of kept drafts (SPEC PG-1): words whose box has closed (the phase moved on), or that came back
 * from a send that did not get through. Readable, copyable into the logbook, back in their box when it
 * opens; gone only when their writer throws them away.
 */
export function DraftShelf() {
  const kept = keptDrafts.value;
  if (kept.length === 0) return null;
  const toLogbook = can('logbook_add');
  return (
    <section class="panel shelf no-print" aria-labelledby="shelf-title" data-testid="draft-shelf">
      <h2 id="shelf-title">
        <Icon name="pin" /> {tl().drafts.title}
      </h2>
      <p class="hint">{tl().drafts.hint}</p>
      <ul class="card-list">
        {kept.map(({ key, box, text }) => (
          <li class="card kept-draft" key={key} data-box={box}>
            <p class="hint">{tl().drafts.box(boxName(box))}</p>
            <p class="text">{text}</p>
            {key === box && <p class="hint">{tl().drafts.reopens}</p>}
            <div class="actions">
              {key !== box && isBoxOpen(box) && (
                <button
                  type="button"
                  class="small"
                  onClick={() => {
                    appendToDraft(box, text);
                    discardDraft(key);
                  }}
                >
                  {tl().drafts.backInBox}
                </button>
              )}
              {toLogbook && (
                <button type="button" class="small" onClick={() => appendToDraft('logbook', text)}>
                  <Icon name="book" /> {tl().drafts.toLogbook}
                </button>
              )}
              <CopyButton text={text} label={tl().drafts.copy} visible={tl().drafts.copy} />
              <button type="button" class="small ghost" onClick={() => discardDraft(key)}>
                {tl().drafts.discard}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
