import type { Template } from '../template.js';
import { codevPhases, codevRules } from './codev.js';

/** Starts as co-development; the facilitator reshapes the phases in the lobby (CU-1). */
export const customTemplate: Template = {
  id: 'custom',
  name: { fr: 'Sur mesure', en: 'Custom' },
  description: {
    fr: 'Un déroulé que l’animateur adapte avant de commencer.',
    en: 'A sequence the facilitator adapts before starting.',
  },
  rules: codevRules,
  roles: [
    { role: 'facilitator', min: 1, max: 1 },
    { role: 'client', min: 0, max: 1 },
    { role: 'consultant', min: 0, max: 10 },
  ],
  keyRole: 'facilitator',
  driver: 'key_role',
  joinRoles: [],
  defaultRole: 'consultant',
  minPeople: 2,
  maxPeople: 12,
  swap: null,
  editable: true,
  phases: codevPhases,
};
