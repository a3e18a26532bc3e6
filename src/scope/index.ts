/**
 * The scope stage: who was affected, and what of theirs, from chosen alerts — computed as
 * data ({@link computeScope}) and written as the contract's folder ({@link writeScopeFolder}).
 */
export { runScope } from './run-scope.js';
export type { ScopeOptions, ScopeReport } from './run-scope.js';
export { computeScope } from './compute.js';
export type { ScopeChoiceOptions, ScopeComputation } from './compute.js';
export { writeScopeFolder } from './write-folder.js';
export type { ScopeFolder, ScopeRows } from './write-folder.js';
export { buildSummary } from './summary.js';
export type { PivotSummary, ScopeSummary } from './summary.js';
export { expandPivots, PIVOT_STEPS, DEFAULT_PIVOT_PERSONAL_SHARE, DEFAULT_PIVOT_ROUNDS } from './pivot.js';
export type { PivotOptions, PivotResult, PivotStep, PivotStepReport } from './pivot.js';
export { CSV_HEADER } from './write-csv.js';
