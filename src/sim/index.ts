/**
 * The platform simulator: realistic access logs, issuance ledger and reference data for
 * every scenario, with ground truth for scoring. Re-exports only.
 */
export { simulate } from './simulate.js';
export { SCENARIOS, BENIGN_SCENARIOS, isBenign } from './types.js';
export type { ScenarioName, SimOptions, SimProgress, SimReport } from './types.js';
export { isAttackRequestId } from './request-id.js';
export type { RequestIdKey } from './request-id.js';
export { CARRIERS } from './network.js';
