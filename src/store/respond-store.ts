/**
 * The store roles of the response (issue 11): incidents and their legal holds, saved scope
 * runs, and retention. They live in the store the incident describes, so that notices,
 * reports and the victim portal read the same numbers even after a later `hunt --append`:
 * a saved run keeps its own copy of every request its indicators matched and of every
 * affected account, and never recomputes them. Times are epoch ms (wall clock for incident
 * times, event time for request times). Every backend implements these; the contract suite
 * in `store.contract.ts` runs them.
 */
import type { Indicator } from '../model/index.js';
import type { AffectedAccount, ScopeAggregates } from './store.js';

/** An incident as stored; `details` is the response stage's own schema, kept as JSON. */
export interface IncidentRow {
  readonly incident_id: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  /** When the company became aware: starts the legal clocks. */
  readonly aware_at: number;
  readonly opened_at: number;
  readonly updated_at: number;
  readonly closed_at?: number;
  /** The alerts the incident covers. */
  readonly alert_ids: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** A legal preservation hold. It stands until `lifted_at` is set. */
export interface LegalHold {
  readonly hold_id: string;
  readonly incident_id: string;
  readonly placed_at: number;
  readonly reason: string;
  readonly lifted_at?: number;
  readonly lift_reason?: string;
}

/** Something recorded in an incident's evidence log, by what it is and its hash (so it is recorded once). */
export interface EvidenceMark {
  readonly incident_id: string;
  /** The evidence kind (`input_file`, `alert`, …). */
  readonly kind: string;
  /** What it is about: a file path, an alert id, … */
  readonly key: string;
  readonly sha256: string;
  /** Index of the evidence-log entry. */
  readonly entry: number;
}

/** A report written for an incident. */
export interface ReportRow {
  readonly report_id: string;
  readonly incident_id: string;
  /** 1 = initial report; 2… = follow-ups (numbered per incident and audience). */
  readonly n: number;
  readonly audience: 'regulator' | 'police';
  readonly run_id: string;
  readonly created_at: number;
  /** Index of its `report` evidence entry. */
  readonly entry: number;
  readonly files: readonly { readonly path: string; readonly sha256: string; readonly bytes: number }[];
}

/** What saving a scope run takes. The store computes everything else. */
export interface NewScopeRun {
  readonly run_id: string;
  readonly incident_id: string;
  readonly created_at: number;
  /** The run's inputs as the caller describes them (alert ids, severity, options): kept as JSON. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly indicators: readonly Indicator[];
}

/** A saved scope run. */
export interface ScopeRunRow {
  readonly run_id: string;
  readonly incident_id: string;
  /** 1-based position among the incident's runs. */
  readonly n: number;
  readonly created_at: number;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly indicators: number;
  /** Affected accounts (personal data reached the attacker). */
  readonly accounts: number;
  /** Requests whose personal data reached the attacker. */
  readonly requests: number;
  /** Every request the indicators matched (any route, any status). */
  readonly matched: number;
  /** Event time of the first and last personal-data request, or null. */
  readonly window: { readonly from: number; readonly to: number } | null;
}

/** One request a saved run's indicators matched. `fields` is empty when no personal data reached the attacker. */
export interface RunRequest {
  readonly account_id?: string;
  readonly t: number;
  readonly src_ip: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly file: string;
  readonly line: number;
  readonly request_id?: string;
  readonly jti?: string;
  readonly kid?: string;
  readonly personal: boolean;
}

/** The hash of one request line as read back from the archive (`sha256` null when it could not be). */
export interface LineHash {
  readonly file: string;
  readonly line: number;
  readonly sha256: string | null;
  /** Why it could not be read back (`file_missing`, `line_missing`, `not_a_file`). */
  readonly problem?: string;
}

/** An affected account's request lines, with their hashes, in (file, line) order. */
export interface AccountLines {
  readonly account_id: string;
  readonly lines: readonly LineHash[];
}

/** Where an account's evidence entries are in the incident's log. */
export interface AccountEvidenceRef {
  readonly account_id: string;
  readonly first_entry: number;
  /** How many consecutive entries (an account with very many lines has several). */
  readonly entries: number;
}

/** One attacker source of a saved run (every request its indicators matched from that address). */
export interface RunSource {
  readonly ip: string;
  readonly first: number;
  readonly last: number;
  readonly requests: number;
  /** Of those, requests whose personal data reached the attacker. */
  readonly personal_requests: number;
  /** Accounts whose personal data it read. */
  readonly accounts: number;
  readonly tokens: number;
  readonly kids: readonly string[];
  readonly clients: readonly string[];
  readonly user_agents: number;
  /** As the gateway gave them, when it did. */
  readonly country?: string;
  readonly asn?: string;
}

/** One token an attacker source used. */
export interface RunSourceToken {
  readonly ip: string;
  readonly jti: string;
  readonly kid?: string;
  readonly first: number;
  readonly last: number;
  readonly requests: number;
}

/** How an account differs between an earlier run and a later one. */
export interface AccountChange {
  readonly account_id: string;
  /** `added`: new in the later run; `grown`: more fields exposed; `removed`: no longer in it. */
  readonly change: 'added' | 'grown' | 'removed';
  /** Fields exposed in the later run (the earlier one for `removed`). */
  readonly fields: readonly string[];
  /** Fields the later run adds (all of them for `added`; none for `removed`). */
  readonly new_fields: readonly string[];
}

/** Counts of the changes between two runs. */
export interface RunDiff {
  readonly added: number;
  readonly grown: number;
  readonly removed: number;
  readonly unchanged: number;
  /** Per field: accounts whose exposure newly includes it. */
  readonly new_fields: Readonly<Record<string, number>>;
}

/** Incidents, their holds, what their evidence logs hold, and their reports. */
export interface IncidentStore {
  /** Inserts or replaces an incident by id. */
  putIncident(row: IncidentRow): Promise<void>;
  getIncident(id: string): Promise<IncidentRow | undefined>;
  /** Every incident, newest first. */
  listIncidents(): Promise<IncidentRow[]>;
  /** Inserts or replaces a hold by id (lifting one is replacing it with `lifted_at` set). */
  putHold(h: LegalHold): Promise<void>;
  /** Holds, of one incident or all; standing ones only when `active`. */
  listHolds(opts?: { readonly incidentId?: string; readonly active?: boolean }): Promise<LegalHold[]>;
  /** Records what was put into an incident's evidence log (same incident, kind, key and hash: kept once). */
  markEvidence(rows: readonly EvidenceMark[]): Promise<void>;
  /** What an incident's log holds of one kind. */
  evidenceMarks(incidentId: string, kind: string): Promise<EvidenceMark[]>;
  putReport(row: ReportRow): Promise<void>;
  /** Every input file the stored events came from (access and ledger), sorted: what the evidence log hashes. */
  inputFiles(): Promise<string[]>;
  /** An incident's reports, oldest first. */
  listReports(incidentId: string): Promise<ReportRow[]>;
}

/** Saved scope runs: their accounts, requests, sources, line hashes and differences. */
export interface ScopeRunStore {
  /**
   * Saves a run: every request its indicators match (any route or status), which of them
   * carried personal data (2xx, catalog kind `personal` as the catalog says now) and the
   * affected accounts, all at once (a crash keeps all of it or none).
   */
  saveScopeRun(run: NewScopeRun): Promise<ScopeRunRow>;
  getScopeRun(runId: string): Promise<ScopeRunRow | undefined>;
  /** An incident's runs, oldest first. */
  listScopeRuns(incidentId: string): Promise<ScopeRunRow[]>;
  /** The run's indicators as given. */
  runIndicators(runId: string): Promise<Indicator[]>;
  /** The run's affected accounts, sorted by account_id (contract: affected_accounts.csv). */
  runAccounts(runId: string): AsyncIterable<AffectedAccount>;
  /** The run's aggregates (summary.json), from its saved rows. */
  runAggregates(runId: string): Promise<ScopeAggregates>;
  /** What of this account the run found exposed, or undefined when it was not affected. */
  accountExposure(runId: string, accountId: string): Promise<AffectedAccount | undefined>;
  /** The personal-data requests behind one account, in time order. */
  accountRequests(runId: string, accountId: string): Promise<RunRequest[]>;
  /** Every personal-data request of the run in (file, line) order: how an archive is read back once. */
  runRequestsByFile(runId: string): AsyncIterable<RunRequest>;
  /** Stores hashes of request lines read back from the archive. */
  putLineHashes(runId: string, rows: readonly LineHash[]): Promise<void>;
  /** Each affected account's request lines with their stored hashes (null if never stored), by account_id. */
  runAccountLines(runId: string): AsyncIterable<AccountLines>;
  putAccountEvidence(runId: string, rows: readonly AccountEvidenceRef[]): Promise<void>;
  accountEvidence(runId: string, accountId: string): Promise<AccountEvidenceRef | undefined>;
  /** The run's attacker sources, most requests first. */
  runSources(runId: string): Promise<RunSource[]>;
  /** The tokens each source used, by source then first use. */
  runSourceTokens(runId: string): AsyncIterable<RunSourceToken>;
  /** Counts of what changed from `earlierRunId` to `runId`. */
  runDiff(runId: string, earlierRunId: string): Promise<RunDiff>;
  /** The changed accounts themselves, sorted by account_id. */
  runChanges(runId: string, earlierRunId: string): AsyncIterable<AccountChange>;
}

/** Retention: deleting old events. Refuses (ERR_HOLD) while any legal hold stands. */
export interface RetentionStore {
  /** Deletes access and ledger rows with event time before `t`; returns how many went. */
  pruneBefore(t: number): Promise<{ access: number; ledger: number }>;
}
