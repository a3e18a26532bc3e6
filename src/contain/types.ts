/**
 * The vocabulary of containment: the actions, their states, what a proposal, an approval and
 * an execution record. Every record is JSON in the action's folder (see `files.ts`).
 */
import type { JsonObject } from '../evidence/index.js';

/** The containment actions. */
export type ActionKind = 'rotate-key' | 'block-sources' | 'revoke-sessions';

/** Every action kind, in the order the docs list them. */
export const ACTION_KINDS: readonly ActionKind[] = ['rotate-key', 'block-sources', 'revoke-sessions'];

/** Where an action stands. `failed`: an execution stopped part way; executing again resumes it. */
export type ActionState = 'proposed' | 'approved' | 'executed' | 'failed';

/** A step of the workflow, as the evidence log records it. */
export type ContainStep = 'proposed' | 'approved' | 'executed' | 'execution_failed';

/** A proposed action: what it will do, exactly, fixed when proposed and approved as it is. */
export interface Proposal {
  readonly action_id: string;
  readonly incident_id: string;
  readonly kind: ActionKind;
  readonly proposed_by: string;
  /** RFC 3339. */
  readonly proposed_at: string;
  /** The inputs the execution uses (paths, key ids, entries, accounts): nothing else is read from flags later. */
  readonly params: JsonObject;
  /** The exact effect: a diff of the registry, the deny list, the accounts (per kind). */
  readonly effect: JsonObject;
  /** Warnings an approver must see (a shared address, a key without custodians…). */
  readonly warnings: readonly string[];
}

/** A second admin's approval of one proposal, bound to its hash. */
export interface Approval {
  readonly action_id: string;
  readonly approved_by: string;
  readonly approved_at: string;
  /** SHA-256 of the proposal's canonical JSON: the approval covers exactly that text. */
  readonly proposal_sha256: string;
}

/** What an execution did. */
export interface Execution {
  readonly action_id: string;
  readonly executed_by: string;
  readonly executed_at: string;
  readonly state: 'executed' | 'failed';
  readonly result: JsonObject;
  readonly error?: string;
}

/** An action as `status` shows it. */
export interface ActionStatus {
  readonly proposal: Proposal;
  readonly proposal_sha256: string;
  readonly state: ActionState;
  readonly approval?: Approval;
  readonly execution?: Execution;
}
