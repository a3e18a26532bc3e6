/** Shared vocabulary of every stage: contract types, results, errors. */
export * from './errors.js';
export * from './result.js';
export * from './events.js';
export * from './registry.js';
export * from './alert.js';
export * from './time.js';
export * from './defaults.js';
