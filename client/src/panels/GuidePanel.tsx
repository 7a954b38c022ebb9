import { loc, t } from '../i18n/index.js';
import { myRole, phase } from '../state/derived.js';
import { view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/** The guide questions of the phase: open for the role that leads it, folded for the others. */
export function GuidePanel() {
  const v = view.value;
  const p = phase.value;
  const role = myRole.value;
  if (!v || !p || v.status !== 'running') return null;
  const questions = loc(p.guide);
  if (questions.length === 0) return null;
  const leads = role !== null && p.leadRoles.includes(role);
  const who = p.leadRoles.map((r) => t().rolesPlural[r]).join(t().now.and);
  const list = (
    <ul class="guide">
      {questions.map((q) => (
        <li key={q}>{q}</li>
      ))}
    </ul>
  );
  return (
    <section class="panel" aria-label={t().room.guideFor(who)}>
      {leads ? (
        <>
          <h2>
            <Icon name="bulb" /> {t().room.guideFor(who)}
          </h2>
          {list}
        </>
      ) : (
        <details>
          <summary>
            <Icon name="bulb" /> {t().room.guideFor(who)}
          </summary>
          {list}
        </details>
      )}
    </section>
  );
}

/** The method's rules, reminded to everyone for the whole session. */
export function RulesPanel() {
  const v = view.value;
  if (!v) return null;
  const rules = loc(v.template.rules);
  if (rules.length === 0) return null;
  return (
    <section class="panel">
      <details open={v.status === 'lobby'}>
        <summary>{t().room.rules}</summary>
        <ul class="rules">
          {rules.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
