/**
 * The delivery ledger: a store role that remembers, durably, what happened to every notice
 * sent to a person. Its states make "never the same notice twice" checkable after a crash:
 * an intent is recorded before anything is sent (`queued`), each attempt is claimed before a
 * byte leaves (`sending`), and the outcome is written as soon as the server answers. A row
 * still `sending` when a sender starts again was interrupted between "handed over" and
 * "answer written": it becomes `in_doubt` and is not resent unless an operator says so.
 *
 * A backend offers the role by implementing {@link DeliveryStore} (DuckDB and ClickHouse do); it is not
 * part of {@link Store} so a backend without it still serves every other command.
 */
import type { Store } from './store.js';

/** Where a delivery stands. */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'retry' | 'failed' | 'in_doubt';

/** Every state, in lifecycle order. */
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'retry', 'failed', 'in_doubt'] as const satisfies readonly DeliveryState[];

/** What a sender intends to deliver (no personal data: ids and a hash of the content). */
export interface DeliveryIntent {
  readonly notice_id: string;
  /** The Message-ID (email) or idempotency key (SMS) every attempt uses. */
  readonly message_id: string;
  readonly incident_id: string;
  readonly account_id: string;
  readonly channel: 'email' | 'sms';
  readonly kind: string;
  /** SHA-256 of the message bytes (email) or text (SMS). */
  readonly content_sha256: string;
}

/** A ledger row. Times are epoch ms. */
export interface DeliveryRecord extends DeliveryIntent {
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly created_at: number;
  readonly last_attempt_at: number | null;
  /** When a `retry` row is due. */
  readonly next_attempt_at: number | null;
  /** When the server accepted it (`sent`). */
  readonly accepted_at: number | null;
  /** The server's last reply (status line only). */
  readonly response: string | null;
  /** The `notice_sent` evidence entry, once recorded. */
  readonly evidence_index: number | null;
}

/** The outcome of a claimed attempt. */
export type DeliveryOutcome =
  | { readonly state: 'sent'; readonly at: number; readonly response: string }
  | { readonly state: 'retry'; readonly at: number; readonly response: string; readonly next_attempt_at: number }
  | { readonly state: 'failed' | 'in_doubt'; readonly at: number; readonly response: string };

/** Which rows to list. */
export interface DeliveryFilter {
  readonly incident_id?: string;
  readonly states?: readonly DeliveryState[];
  /** Only `retry` rows due at or before this time (other states are unaffected). */
  readonly due_at?: number;
  /** Only these notices. */
  readonly notice_ids?: readonly string[];
  /** Rows after this notice id (paging in notice-id order). */
  readonly after?: string;
  readonly limit?: number;
}

/** The delivery ledger role. Every write is durable when its promise resolves. */
export interface DeliveryStore {
  /** Records intents as `queued`; a notice already in the ledger is left as it is. */
  recordIntents(rows: readonly DeliveryIntent[]): Promise<{ recorded: number; existing: number }>;
  /**
   * Claims the next attempt: `queued` or `retry` → `sending`, attempts + 1. Returns the row,
   * or undefined when the notice is in no claimable state (already sent, in doubt, …).
   */
  claimDelivery(noticeId: string, at: number): Promise<DeliveryRecord | undefined>;
  /** Writes the outcome of a claimed attempt (`sending` → outcome). Rejects with ERR_STATE otherwise. */
  settleDelivery(noticeId: string, outcome: DeliveryOutcome): Promise<void>;
  /** Turns every `sending` row (of an interrupted sender) into `in_doubt`; returns how many. */
  markInterrupted(incidentId?: string): Promise<number>;
  /** Puts rows in `from` states (default `in_doubt`) back to `queued`; returns how many. */
  requeueDeliveries(filter: { readonly incident_id?: string; readonly from?: readonly DeliveryState[]; readonly notice_ids?: readonly string[] }): Promise<number>;
  /** Rows matching `filter`, in notice-id order. */
  listDeliveries(filter?: DeliveryFilter): Promise<DeliveryRecord[]>;
  /** Rows per state. */
  deliveryCounts(incidentId?: string): Promise<Record<DeliveryState, number>>;
  /** Stores the evidence entry of sent notices. */
  noteDeliveryEvidence(rows: readonly { readonly notice_id: string; readonly index: number }[]): Promise<void>;
}

/** True when `s` offers the delivery ledger. */
export function hasDeliveryLedger(s: Store): s is Store & DeliveryStore {
  const d = s as Partial<DeliveryStore>;
  return typeof d.recordIntents === 'function' && typeof d.claimDelivery === 'function' && typeof d.settleDelivery === 'function';
}
