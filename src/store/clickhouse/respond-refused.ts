/**
 * The response roles (incidents, saved scope runs, legal holds, retention) on ClickHouse: not
 * built yet. Writes refuse with ERR_CONFIG saying to use a DuckDB store; reads answer what is
 * true — nothing, since nothing can be written (so `hunt` and `serve`, which ask whether a
 * legal hold stands, work unchanged). The store contract skips these roles for ClickHouse
 * with this reason (`CLICKHOUSE_LIMITS.respond`).
 */
import { BreachwatchError, type Indicator } from '../../model/index.js';
import type {
  AccountChange, AccountEvidenceRef, AccountLines, EvidenceMark, IncidentRow, IncidentStore, LegalHold, LineHash,
  NewScopeRun, ReportRow, RetentionStore, RunDiff, RunRequest, RunSource, RunSourceToken, ScopeRunRow, ScopeRunStore,
} from '../respond-store.js';
import type { AffectedAccount, ScopeAggregates } from '../store.js';
import { CLICKHOUSE_LIMITS } from './limits.js';


const refuse = (): Promise<never> => Promise.reject(new BreachwatchError('ERR_CONFIG', `${CLICKHOUSE_LIMITS.respond}: use --db PATH or --store duckdb:PATH`));
async function* none<T>(): AsyncGenerator<T> { /* nothing stored */ }

/** The response roles for a store that does not have them yet. */
export abstract class RespondRolesRefused implements IncidentStore, ScopeRunStore, RetentionStore {
  putIncident(_: IncidentRow): Promise<void> { return refuse(); }
  getIncident(_: string): Promise<IncidentRow | undefined> { return Promise.resolve(undefined); }
  listIncidents(): Promise<IncidentRow[]> { return Promise.resolve([]); }
  putHold(_: LegalHold): Promise<void> { return refuse(); }
  listHolds(): Promise<LegalHold[]> { return Promise.resolve([]); }
  markEvidence(_: readonly EvidenceMark[]): Promise<void> { return refuse(); }
  evidenceMarks(): Promise<EvidenceMark[]> { return Promise.resolve([]); }
  putReport(_: ReportRow): Promise<void> { return refuse(); }
  inputFiles(): Promise<string[]> { return refuse(); }
  listReports(): Promise<ReportRow[]> { return Promise.resolve([]); }
  saveScopeRun(_: NewScopeRun): Promise<ScopeRunRow> { return refuse(); }
  getScopeRun(): Promise<ScopeRunRow | undefined> { return Promise.resolve(undefined); }
  listScopeRuns(): Promise<ScopeRunRow[]> { return Promise.resolve([]); }
  runIndicators(): Promise<Indicator[]> { return refuse(); }
  runAccounts(): AsyncIterable<AffectedAccount> { return none(); }
  runAggregates(): Promise<ScopeAggregates> { return refuse(); }
  accountExposure(): Promise<AffectedAccount | undefined> { return Promise.resolve(undefined); }
  accountRequests(): Promise<RunRequest[]> { return Promise.resolve([]); }
  runRequestsByFile(): AsyncIterable<RunRequest> { return none(); }
  putLineHashes(_: string, __: readonly LineHash[]): Promise<void> { return refuse(); }
  runAccountLines(): AsyncIterable<AccountLines> { return none(); }
  putAccountEvidence(_: string, __: readonly AccountEvidenceRef[]): Promise<void> { return refuse(); }
  accountEvidence(): Promise<AccountEvidenceRef | undefined> { return Promise.resolve(undefined); }
  runSources(): Promise<RunSource[]> { return Promise.resolve([]); }
  runSourceTokens(): AsyncIterable<RunSourceToken> { return none(); }
  runDiff(): Promise<RunDiff> { return refuse(); }
  runChanges(): AsyncIterable<AccountChange> { return none(); }
  pruneBefore(_: number): Promise<{ access: number; ledger: number }> { return refuse(); }
}
