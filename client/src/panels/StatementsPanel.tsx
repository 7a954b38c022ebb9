import {
  mayRecord,
  multiLineFields,
  type StatementField,
  type StatementKind,
  statementField,
  statementKindSchema,
  TEXT_LIMITS,
} from '@cercle/shared';
import { t } from '../i18n/index.js';
import { tr } from '../i18n/words.js';
import { sendCommand } from '../net/connection.js';
import { can, myRole } from '../state/derived.js';
import { sendDraft, useDraft } from '../state/drafts.js';
import { view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/** The pinned request (and the framing's other statements): shown to all once written. */
export function StatementsPanel() {
  const v = view.value;
  const role = myRole.value;
  if (!v || !role) return null;
  const kinds = statementKindSchema.options;
  const writable =
    v.status === 'running' && can('set_statement') ? kinds.filter((k) => mayRecord(v, role, k)) : [];
  const written = kinds.filter((k) => v.statements[k]);
  if (written.length === 0 && writable.length === 0) return null;
  return (
    <section class="panel" aria-label={t().request.title} data-testid="statements">
      {kinds
        .filter((k) => written.includes(k) || writable.includes(k))
        .map((kind) => (
          <Statement key={kind} kind={kind} editable={writable.includes(kind)} />
        ))}
    </section>
  );
}

/** RD-3: what this statement is in the room's method (the tripartite's synthesis is not a request). */
function fieldOf(kind: StatementKind): StatementField {
  return statementField(view.value?.template.id ?? 'codev', kind);
}

function Statement({ kind, editable }: { kind: StatementKind; editable: boolean }) {
  const current = view.value?.statements[kind]?.text ?? '';
  const box = `statement.${kind}`;
  // The box, and with it its draft, is drawn only while the phase lets me write this statement.
  return editable ? (
    <StatementBox kind={kind} current={current} box={box} />
  ) : (
    <StatementView kind={kind} current={current} />
  );
}

function StatementView({ kind, current }: { kind: StatementKind; current: string }) {
  const id = `statement-${kind}`;
  return (
    <div class="field">
      <h2>
        <Icon name="pin" /> {tr().fields[fieldOf(kind)].title}{' '}
        {current && <span class="badge role">{t().request.pinned}</span>}
      </h2>
      {current ? (
        <p class="request" data-testid={id}>
          {current}
        </p>
      ) : (
        <p class="hint">{t().request.none}</p>
      )}
    </div>
  );
}

function StatementBox({ kind, current, box }: { kind: StatementKind; current: string; box: string }) {
  const draft = useDraft(box, current);
  const value = draft.value;
  const id = `statement-${kind}`;
  const field = fieldOf(kind);
  const words = tr().fields[field];
  // Back to what is pinned: no draft left to keep.
  const onInput = (typed: string) => {
    if (typed === current) draft.clear();
    else draft.set(typed);
  };
  return (
    <div class="field">
      <h2>
        <Icon name="pin" /> {tr().fields[fieldOf(kind)].title}{' '}
        {current && <span class="badge role">{t().request.pinned}</span>}
      </h2>
      {current && (
        <p class="request" data-testid={id}>
          {current}
        </p>
      )}
      <form
        data-compose
        onSubmit={(e) => {
          e.preventDefault();
          const text = value.trim();
          if (!text) return;
          void sendDraft(box, text, () => sendCommand({ type: 'set_statement', kind, text }));
        }}
      >
        <label for={`${id}-input`}>{words.label}</label>
        <div class={multiLineFields.has(field) ? 'stack' : 'row'}>
          {multiLineFields.has(field) ? (
            <textarea
              id={`${id}-input`}
              rows={6}
              maxLength={TEXT_LIMITS.statement}
              value={value}
              onInput={(e) => onInput(e.currentTarget.value)}
            />
          ) : (
            <input
              id={`${id}-input`}
              class="grow"
              maxLength={TEXT_LIMITS.statement}
              value={value}
              onInput={(e) => onInput(e.currentTarget.value)}
            />
          )}
          <button type="submit" class="primary" disabled={!value.trim() || value.trim() === current}>
            {current ? t().request.update : words.save}
          </button>
        </div>
      </form>
    </div>
  );
}
