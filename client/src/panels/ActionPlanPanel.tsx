import { type ActionItem, type Command, TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { t } from '../i18n/index.js';
import { tl } from '../i18n/live.js';
import { sendCommand } from '../net/connection.js';
import { can, nameOf, permitted } from '../state/derived.js';
import { hasDraft, sendDrafts, useDraft } from '../state/drafts.js';
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
            <ActionRow key={item.id} item={item} twoRounds={twoRounds} />
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

/** One commitment; its owner may change it (`edit_action`) or take it back, as the policy allows. */
function ActionRow({ item, twoRounds }: { item: ActionItem; twoRounds: boolean }) {
  const box = `edit-action.${item.id}`;
  // An edit under way is a draft: it survives a reload and reopens here.
  const started = ['what', 'byWhen', 'withWhom'].some((field) => hasDraft(`${box}.${field}`));
  const open = useSignal(false);
  const mayEdit = permitted({
    type: 'edit_action',
    itemId: item.id,
    what: item.what,
    byWhen: item.byWhen,
    withWhom: item.withWhom,
  });
  const mayRemove = permitted({ type: 'remove_action', itemId: item.id });
  if (mayEdit && (open.value || started)) {
    return (
      <li>
        <EditActionForm item={item} onDone={() => (open.value = false)} />
      </li>
    );
  }
  return (
    <li>
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
      {mayEdit && (
        <button
          type="button"
          class="small ghost"
          aria-label={tl().plan.editLabel(item.what)}
          onClick={() => (open.value = true)}
        >
          {tl().plan.edit}
        </button>
      )}
      {mayRemove && (
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
  );
}

/** The three fields of an action item, each kept as a draft under `<box>.what`, `.byWhen`, `.withWhom`. */
function useActionDrafts(box: string, initial?: ActionItem) {
  return {
    what: useDraft(`${box}.what`, initial?.what ?? ''),
    byWhen: useDraft(`${box}.byWhen`, initial?.byWhen ?? ''),
    withWhom: useDraft(`${box}.withWhom`, initial?.withWhom ?? ''),
  };
}
type ActionDrafts = ReturnType<typeof useActionDrafts>;

function ActionFields({ box, drafts }: { box: string; drafts: ActionDrafts }) {
  const id = (field: string) => `${box.replace(/[^a-zA-Z0-9-]/g, '-')}-${field}`;
  return (
    <>
      <div class="field">
        <label for={id('what')}>{t().plan.what}</label>
        <input
          id={id('what')}
          maxLength={TEXT_LIMITS.actionWhat}
          value={drafts.what.value}
          onInput={(e) => drafts.what.set(e.currentTarget.value)}
        />
      </div>
      <div class="row">
        <div class="field grow">
          <label for={id('when')}>{t().plan.byWhen}</label>
          <input
            id={id('when')}
            maxLength={TEXT_LIMITS.actionByWhen}
            value={drafts.byWhen.value}
            onInput={(e) => drafts.byWhen.set(e.currentTarget.value)}
          />
        </div>
        <div class="field grow">
          <label for={id('who')}>{t().plan.withWhom}</label>
          <input
            id={id('who')}
            maxLength={TEXT_LIMITS.actionWithWhom}
            value={drafts.withWhom.value}
            onInput={(e) => drafts.withWhom.set(e.currentTarget.value)}
          />
        </div>
      </div>
    </>
  );
}

const fieldsOf = (drafts: ActionDrafts) => ({
  what: drafts.what.value.trim(),
  byWhen: drafts.byWhen.value.trim(),
  withWhom: drafts.withWhom.value.trim(),
});

function sendAction(box: string, fields: ReturnType<typeof fieldsOf>, command: Command) {
  return sendDrafts(
    [
      [`${box}.what`, fields.what],
      [`${box}.byWhen`, fields.byWhen],
      [`${box}.withWhom`, fields.withWhom],
    ],
    () => sendCommand(command),
  );
}

function AddActionForm() {
  const box = 'action';
  const drafts = useActionDrafts(box);
  const fields = fieldsOf(drafts);
  return (
    <form
      class="postbox"
      data-compose
      onSubmit={(e) => {
        e.preventDefault();
        if (!fields.what) return;
        void sendAction(box, fields, { type: 'add_action', ...fields });
      }}
    >
      <ActionFields box={box} drafts={drafts} />
      <button type="submit" class="primary" disabled={!fields.what}>
        {t().plan.add}
      </button>
    </form>
  );
}

/** Changing one of my action items (`edit_action`): its fields, kept as drafts like any box. */
function EditActionForm({ item, onDone }: { item: ActionItem; onDone: () => void }) {
  const box = `edit-action.${item.id}`;
  const drafts = useActionDrafts(box, item);
  const fields = fieldsOf(drafts);
  const unchanged =
    fields.what === item.what && fields.byWhen === item.byWhen && fields.withWhom === item.withWhom;
  const drop = () => {
    drafts.what.clear();
    drafts.byWhen.clear();
    drafts.withWhom.clear();
    onDone();
  };
  return (
    <form
      class="postbox grow"
      aria-label={tl().plan.editLabel(item.what)}
      onSubmit={(e) => {
        e.preventDefault();
        if (!fields.what || unchanged) return;
        void sendAction(box, fields, { type: 'edit_action', itemId: item.id, ...fields });
        onDone();
      }}
    >
      <ActionFields box={box} drafts={drafts} />
      <div class="row">
        <button type="submit" class="primary small" disabled={!fields.what || unchanged}>
          {t().board.save}
        </button>
        <button type="button" class="small" onClick={drop}>
          {t().board.cancel}
        </button>
      </div>
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
