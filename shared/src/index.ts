export * from './engine/index.js';
export * from './protocol/commands.js';
export * from './protocol/errors.js';
export * from './protocol/events.js';
export * from './protocol/http.js';
export * from './protocol/patchSequence.js';
export * from './protocol/recipe.js';
export * from './recipes/index.js';
