import {
  mayRecord,
  multiLineFields,
  type StatementKind,
  statementField,
  statementKindSchema,
  TEXT_LIMITS,
} from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { t } from '../i18n/index.js';
import { tr } from '../i18n/words.js';
import { sendCommand } from '../net/connection.js';
import { can, myRole } from '../state/derived.js';
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

function Statement({ kind, editable }: { kind: StatementKind; editable: boolean }) {
  const v = view.value;
  const current = v?.statements[kind]?.text ?? '';
  // RD-3: named for what it is in this method; long fields are written on several lines.
  const field = statementField(v?.template.id ?? 'codev', kind);
  const words = tr().fields[field];
  const multiLine = multiLineFields.has(field);
  const draft = useSignal<string | null>(null);
  const value = draft.value ?? current;
  const id = `statement-${kind}`;
  return (
    <div class="field">
      <h2>
        <Icon name="pin" /> {words.title} {current && <span class="badge role">{t().request.pinned}</span>}
      </h2>
      {current ? (
        <p class="request" data-testid={id}>
          {current}
        </p>
      ) : (
        !editable && <p class="hint">{t().request.none}</p>
      )}
      {editable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const text = value.trim();
            if (!text) return;
            void sendCommand({ type: 'set_statement', kind, text });
            draft.value = null;
          }}
        >
          <label for={`${id}-input`}>{words.label}</label>
          <div class={multiLine ? 'stack' : 'row'}>
            {multiLine ? (
              <textarea
                id={`${id}-input`}
                rows={6}
                maxLength={TEXT_LIMITS.statement}
                value={value}
                onInput={(e) => {
                  draft.value = e.currentTarget.value;
                }}
              />
            ) : (
              <input
                id={`${id}-input`}
                class="grow"
                maxLength={TEXT_LIMITS.statement}
                value={value}
                onInput={(e) => {
                  draft.value = e.currentTarget.value;
                }}
              />
            )}
            <button type="submit" class="primary" disabled={!value.trim() || value.trim() === current}>
              {current ? t().request.update : words.save}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
