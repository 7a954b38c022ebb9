import type { Template, TemplateId } from '../template.js';
import { coachingTriadTemplate } from './coaching-triad.js';
import { codevTemplate } from './codev.js';
import { customTemplate } from './custom.js';
import { peerCoachingTemplate } from './peer-coaching.js';
import { tripartiteClosingTemplate } from './tripartite-closing.js';
import { tripartiteFramingTemplate } from './tripartite-framing.js';

/** Every method the product runs, by id. */
export const templates: Readonly<Record<TemplateId, Template>> = {
  codev: codevTemplate,
  'peer-coaching': peerCoachingTemplate,
  'tripartite-framing': tripartiteFramingTemplate,
  'tripartite-closing': tripartiteClosingTemplate,
  custom: customTemplate,
  'coaching-triad': coachingTriadTemplate,
};

export function getTemplate(id: TemplateId): Template {
  return templates[id];
}

export {
  coachingTriadTemplate,
  codevTemplate,
  customTemplate,
  peerCoachingTemplate,
  tripartiteClosingTemplate,
  tripartiteFramingTemplate,
};
