import type { StatementKind, TemplateId } from '../engine/template.js';

/**
 * RD-3: what a written statement is in its method, so the page and the record name it for what it is.
 * The engine stores four kinds; the two tripartite meetings use `synthesis` for two different texts: the
 * coach's synthesis of the framing, the coachee's own review at the closing.
 */
export type StatementField =
  | 'client_request'
  | 'organisation_request'
  | 'coachee_request'
  | 'synthesis'
  | 'framing_synthesis'
  | 'coachee_review';

export function statementField(templateId: TemplateId, kind: StatementKind): StatementField {
  if (kind !== 'synthesis') return kind;
  if (templateId === 'tripartite-framing') return 'framing_synthesis';
  if (templateId === 'tripartite-closing') return 'coachee_review';
  return 'synthesis';
}

/** RD-3: fields long enough to be written on several lines (a one-sentence request is not one of them). */
export const multiLineFields: ReadonlySet<StatementField> = new Set([
  'synthesis',
  'framing_synthesis',
  'coachee_review',
]);
