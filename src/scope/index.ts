/**
 * The scope stage: who was affected, and what of theirs, from chosen alerts.
 */
export { runScope } from './run-scope.js';
export type { ScopeOptions, ScopeReport } from './run-scope.js';
export { buildSummary } from './summary.js';
export type { PivotSummary, ScopeSummary } from './summary.js';
export { expandPivots, PIVOT_STEPS, DEFAULT_PIVOT_PERSONAL_SHARE, DEFAULT_PIVOT_ROUNDS } from './pivot.js';
export type { PivotOptions, PivotResult, PivotStep, PivotStepReport } from './pivot.js';
export { CSV_HEADER } from './write-csv.js';
