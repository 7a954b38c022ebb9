export * from './circle.js';
export * from './exportFormat.js';
export * from './followUp.js';
export * from './membership.js';
export * from './record.js';
export * from './rotation.js';
export * from './sessions.js';
export * from './views.js';
