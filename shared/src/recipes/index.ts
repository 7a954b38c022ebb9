import type { ShippedRecipe } from '../protocol/recipe.js';
import { actionLearning } from './action-learning.js';
import { coachingTriad } from './coaching-triad.js';
import { flashCodev } from './flash-codev.js';

/** Recipes shipped with the product (RC-3), offered on the home page beside the methods. */
export const shippedRecipes: readonly ShippedRecipe[] = [flashCodev, actionLearning, coachingTriad];
