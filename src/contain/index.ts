/**
 * The contain stage: containment playbooks for a forged-token incident — rotate the exposed
 * signing key, block the sources, end the sessions — each proposed with its exact effect,
 * approved by a second admin, executed once, and recorded in the incident's evidence log
 * (`docs/CONTAIN.md`). Used by `breachwatch contain` and the analyst API (role `admin`).
 */
export { ACTION_KINDS } from './types.js';
export type { ActionKind, ActionState, ActionStatus, Approval, ContainStep, Execution, Proposal } from './types.js';
export { actionStatus, approve, execute, listActions, propose, RotateInput } from './workflow.js';
export type { ApproveOptions, ExecuteOptions, ProposeOptions } from './workflow.js';
export { BlockInput, parseSource } from './block-sources.js';
export type { Collateral, DenyEntry } from './block-sources.js';
export { RevokeInput, SESSION_REVOKED, readLedger } from './revoke-sessions.js';
export type { DeliveryLine } from './revoke-sessions.js';
export { transmitterJwks, transmitterPaths } from './transmitter.js';
export { demoContainment, renderDemoContainment } from './demo.js';
export type { DemoContainmentOptions, DemoContainmentResult, RateSample } from './demo.js';
