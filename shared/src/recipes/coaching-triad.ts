import { coachingTriadTemplate } from '../engine/templates/coaching-triad.js';
import type { ShippedRecipe } from '../protocol/recipe.js';

/** The coaching triad as its template has it: the observer listens and speaks at the debrief. */
export const coachingTriad: ShippedRecipe = {
  id: 'coaching-triad',
  name: coachingTriadTemplate.name,
  description: coachingTriadTemplate.description,
  recipe: {
    format: 'cercle-recipe/1',
    template: 'coaching-triad',
    name: 'Coaching triad',
    phases: coachingTriadTemplate.phases.map((phase) => ({ from: phase.id })),
  },
};
