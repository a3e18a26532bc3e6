/**
 * The scope stage: who was affected, and what of theirs, from chosen alerts.
 */
export { runScope } from './run-scope.js';
export type { ScopeOptions, ScopeReport } from './run-scope.js';
export { buildSummary } from './summary.js';
export type { ScopeSummary } from './summary.js';
export { CSV_HEADER } from './write-csv.js';
