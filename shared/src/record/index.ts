export * from './fields.js';
export * from './markdown.js';
export * from './roomRecord.js';
