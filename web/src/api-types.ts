/**
 * Shapes of the analyst API's answers (docs/API.md). `Alert` and `Severity` come from the
 * shared model so the dashboard and the server cannot drift apart.
 */
import type { Alert, Severity } from '../../src/model/alert.js';

export type { Alert, Severity };

/** `GET /api/v1/alerts`. */
export interface AlertList {
  readonly items: readonly Alert[];
  readonly total: number;
}

/** One hour of an alert's activity; `hour` is RFC 3339 (or epoch ms). */
export interface TimelinePoint {
  readonly hour: string | number;
  readonly requests: number;
  readonly accounts: number;
}

/** One source address behind an alert. */
export interface Source {
  readonly ip: string;
  readonly country?: string;
  readonly asn?: string | number;
  readonly requests: number;
  readonly accounts: number;
}

/** `GET /api/v1/alerts/:id`. */
export interface AlertDetail {
  readonly alert: Alert;
  readonly timeline: readonly TimelinePoint[];
  /** The timeline's bucket: hours, or days when the alert spans more than two days. */
  readonly bucket?: 'hour' | 'day';
  readonly sources: readonly Source[];
  readonly tokens: { readonly count: number; readonly sample: readonly string[] };
  readonly keys: readonly string[];
}

/** One key in `GET /api/v1/audit/key-custody`. */
export interface KeyVerdict {
  readonly kid: string;
  readonly storage: string;
  readonly created: string;
  readonly severity?: Severity;
  readonly reasons: readonly string[];
}

/** `GET /api/v1/audit/key-custody`. */
export interface KeyCustody {
  /** Event time the audit was judged at. */
  readonly as_of?: string;
  readonly keys: readonly KeyVerdict[];
}

/** The contract's summary.json. */
export interface ScopeSummary {
  readonly window: { readonly from: string | null; readonly to: string | null };
  readonly accounts_affected: number;
  readonly by_field: Readonly<Record<string, number>>;
  readonly by_day: readonly { day: string; requests: number; accounts: number }[];
  readonly sources: readonly (Source & { first: string; last: string })[];
  readonly indicators: { readonly ips: readonly string[]; readonly kids: readonly string[]; readonly tokens: number };
}

/** `GET /api/v1/scope/:job`. */
export interface ScopeJob {
  readonly job_id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly result?: ScopeSummary;
  readonly error?: string | { code?: string; message?: string };
}

/** `GET /api/v1/requests/:id`: every stored request with that id (fields as stored; times epoch ms). */
export interface RequestLookup {
  readonly request_id: string;
  readonly requests: readonly (Record<string, string | number> & { readonly time: number; readonly file: string; readonly line: number })[];
}

/** A legal clock of an incident (`GET /api/v1/incidents/:id`). */
export interface IncidentClock {
  readonly id: string;
  readonly label: { readonly ko?: string; readonly en?: string } | string;
  readonly state: 'running' | 'overdue' | 'met' | 'late' | 'not_required' | 'no_deadline';
  readonly due_at: string | null;
  readonly remaining_ms?: number;
  readonly done_at?: string;
  readonly because: readonly string[];
}

/** An incident as the API shows it. */
export interface Incident {
  readonly incident_id: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly aware_at: string;
  readonly alert_ids: readonly string[];
  readonly runs: readonly { run_id: string; n: number; created_at: string; accounts: number; requests: number }[];
  readonly latest_run: string | null;
  readonly reports: readonly { report_id: string; n: number; audience: string; run_id: string; created_at: string }[];
  readonly holds: readonly { hold_id: string; reason: string; lifted_at?: string }[];
  readonly clocks: readonly IncidentClock[];
  readonly evidence: { readonly size: number; readonly root: string } | null;
}

/** `GET /api/v1/incidents`. */
export interface IncidentList { readonly items: readonly Incident[]; readonly total: number }

/** Notice delivery progress from the delivery ledger. */
export interface NoticeProgress {
  readonly ledger: Readonly<Record<'queued' | 'sending' | 'sent' | 'retry' | 'failed' | 'in_doubt', number>>;
  readonly total: number;
  readonly sent: number;
  readonly pending: number;
}

/** `GET /api/v1/incidents/:id`. */
export interface IncidentDetail {
  readonly incident: Incident;
  readonly counts: { readonly run_id: string | null; readonly persons: number; readonly requests: number; readonly fields: Readonly<Record<string, number>> };
  readonly notices: NoticeProgress | null;
}

/** `GET /api/v1/incidents/:id/reports` items (files as written). */
export interface IncidentReport {
  readonly report_id: string;
  readonly n: number;
  readonly audience: string;
  readonly run_id: string;
  readonly created_at: string;
  readonly files: readonly { readonly path: string; readonly sha256: string; readonly bytes: number }[];
}

/** `GET /api/v1/whoami`: the presented key's name and role. */
export interface WhoAmI {
  readonly name: string;
  readonly role: 'ingest' | 'analyst' | 'admin';
}

/** A containment action kind (docs/CONTAIN.md). */
export type ActionKind = 'rotate-key' | 'block-sources' | 'revoke-sessions';

/** Where a containment action stands. */
export type ActionState = 'proposed' | 'approved' | 'executed' | 'failed';

/** A proposal: its exact effect and the warnings an approver must see. */
export interface Proposal {
  readonly action_id: string;
  readonly incident_id: string;
  readonly kind: ActionKind;
  readonly proposed_by: string;
  readonly proposed_at: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly effect: Readonly<Record<string, unknown>>;
  readonly warnings: readonly string[];
}

/** One containment action as the API shows it (`GET …/containment/:action`). */
export interface ActionStatus {
  readonly proposal: Proposal;
  /** SHA-256 of the proposal's canonical JSON: an approval sends it back. */
  readonly proposal_sha256: string;
  readonly state: ActionState;
  readonly approval?: { readonly approved_by: string; readonly approved_at: string };
  readonly execution?: { readonly executed_by: string; readonly executed_at: string; readonly state: 'executed' | 'failed'; readonly result: Readonly<Record<string, unknown>>; readonly error?: string };
}

/** The body of `POST …/containment` (a proposal, or its dry run). */
export interface ProposeBody {
  readonly action: ActionKind;
  readonly dry_run?: boolean;
  readonly kid?: string;
  readonly custodians?: string[];
  readonly new_kid?: string;
  readonly alert_ids?: string[];
  readonly run_id?: string;
  readonly sources?: string[];
  readonly subnets?: boolean;
  readonly expires_hours?: number;
  readonly accounts?: string[];
}
