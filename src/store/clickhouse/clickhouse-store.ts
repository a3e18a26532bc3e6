/**
 * The whole ClickHouse {@link Store}: the event store plus the response's roles (incidents,
 * legal holds, saved scope runs, retention) and the delivery ledger, in tables on the node
 * the store URL names (`respond-schema.ts`). ClickHouse has no transactions: a saved run is
 * marked once all its rows are stored (`run-save.ts`), ledger changes are checked after they
 * are written (`deliveries.ts`), and a prune checks the holds before and after (`prune.ts`).
 */
import { BreachwatchError, type Indicator } from '../../model/index.js';
import type { DeliveryFilter, DeliveryIntent, DeliveryOutcome, DeliveryRecord, DeliveryState, DeliveryStore } from '../delivery.js';
import type {
  AccountChange, AccountEvidenceRef, AccountLines, EvidenceMark, IncidentRow, LegalHold, LineHash, NewScopeRun, ReportRow, RunDiff,
  RunRequest, RunSource, RunSourceToken, ScopeRunRow,
} from '../respond-store.js';
import type { AffectedAccount, ScopeAggregates, Store } from '../store.js';
import { insertRows } from './alerts.js';
import { heldSeq } from './commit-log.js';
import * as ledger from './deliveries.js';
import { sqlInt, sqlString } from './escape.js';
import { ClickHouseEventStore, type ClickHouseStoreOptions } from './event-store.js';
import * as inc from './incident-rows.js';
import { pruneBefore } from './prune.js';
import { personalRoutes } from './reference.js';
import { respondTables, respondTablesSql, type RespondTables } from './respond-schema.js';
import * as read from './run-read.js';
import { saveRun } from './run-save.js';
import type { ClickHouseSql } from './sql.js';

export type { ClickHouseStoreOptions } from './event-store.js';

const line = (o: object): string => `${JSON.stringify(o)}\n`;

/** ClickHouse-backed store; create with `openClickHouseStore`. */
export class ClickHouseStore extends ClickHouseEventStore implements Store, DeliveryStore {
  private readonly respond: RespondTables;
  private readonly reader: read.RunReader;
  private readonly claims: ledger.Claims = new Map();

  constructor(sql: ClickHouseSql, opts: ClickHouseStoreOptions) {
    super(sql, opts);
    this.respond = respondTables(opts.database);
    this.reader = { sql, respond: this.respond };
  }

  override async init(): Promise<void> {
    await super.init();
    for (const ddl of respondTablesSql(this.opts.database)) await this.sql.command(ddl);
  }

  /** The WHERE of a saved run's rows (`0` when the run is not saved: nothing). */
  private async runRows(runId: string): Promise<string> {
    const save = await read.saveOf(this.reader, runId);
    return save === undefined ? '0' : read.rowsOf(runId, save);
  }

  putIncident(row: IncidentRow): Promise<void> { return inc.putIncident(this.sql, this.respond, row); }
  getIncident(id: string): Promise<IncidentRow | undefined> { return inc.getIncident(this.sql, this.respond, id); }
  listIncidents(): Promise<IncidentRow[]> { return inc.listIncidents(this.sql, this.respond); }
  putHold(h: LegalHold): Promise<void> { return inc.putHold(this.sql, this.respond, h); }
  listHolds(opts?: { readonly incidentId?: string; readonly active?: boolean }): Promise<LegalHold[]> { return inc.listHolds(this.sql, this.respond, opts); }
  markEvidence(rows: readonly EvidenceMark[]): Promise<void> { return inc.markEvidence(this.sql, this.respond, rows); }
  evidenceMarks(incidentId: string, kind: string): Promise<EvidenceMark[]> { return inc.evidenceMarks(this.sql, this.respond, incidentId, kind); }
  putReport(row: ReportRow): Promise<void> { return inc.putReport(this.sql, this.respond, row); }
  listReports(incidentId: string): Promise<ReportRow[]> { return inc.listReports(this.sql, this.respond, incidentId); }

  async inputFiles(): Promise<string[]> {
    await this.flush();
    const held = sqlInt(await heldSeq(this.sql, this.tables));
    const rows = await this.sql.rows(`SELECT DISTINCT file AS f FROM (
        SELECT file FROM ${this.tables.access} WHERE seq <= ${held} UNION ALL SELECT file FROM ${this.tables.ledger} WHERE seq <= ${held}) AS files
      ORDER BY f`);
    return rows.map((r) => String(r.f));
  }

  async saveScopeRun(run: NewScopeRun): Promise<ScopeRunRow> {
    await this.flush();
    const [routes, held] = await Promise.all([personalRoutes(this.sql, this.tables), heldSeq(this.sql, this.tables)]);
    await saveRun({ sql: this.sql, tables: this.tables, respond: this.respond, global: this.opts.cluster !== undefined, held, routes }, run);
    const saved = await this.getScopeRun(run.run_id);
    if (saved === undefined) throw new BreachwatchError('ERR_STORE', `scope run ${run.run_id} was not saved`);
    return saved;
  }

  getScopeRun(runId: string): Promise<ScopeRunRow | undefined> { return read.getRun(this.reader, runId); }
  listScopeRuns(incidentId: string): Promise<ScopeRunRow[]> { return read.incidentRuns(this.reader, incidentId); }
  async runIndicators(runId: string): Promise<Indicator[]> { return read.runIndicators(this.reader, await this.runRows(runId)); }

  async *runAccounts(runId: string): AsyncIterable<AffectedAccount> {
    yield* read.accounts(this.reader, await this.runRows(runId));
  }

  async runAggregates(runId: string): Promise<ScopeAggregates> { return read.runAggregates(this.reader, await this.runRows(runId)); }

  async accountExposure(runId: string, accountId: string): Promise<AffectedAccount | undefined> {
    for await (const a of read.accounts(this.reader, await this.runRows(runId), accountId)) return a;
    return undefined;
  }

  async accountRequests(runId: string, accountId: string): Promise<RunRequest[]> {
    return read.accountRequests(this.reader, await this.runRows(runId), accountId);
  }

  async *runRequestsByFile(runId: string): AsyncIterable<RunRequest> {
    yield* read.requestsByFile(this.reader, await this.runRows(runId));
  }

  async putLineHashes(runId: string, rows: readonly LineHash[]): Promise<void> {
    await insertRows(this.sql, this.respond.runLines, rows.map((r) => line({ run_id: runId, file: r.file, line: r.line, sha256: r.sha256, problem: r.problem ?? null })));
  }

  async *runAccountLines(runId: string): AsyncIterable<AccountLines> {
    yield* read.accountLines(this.reader, runId, await this.runRows(runId));
  }

  async putAccountEvidence(runId: string, rows: readonly AccountEvidenceRef[]): Promise<void> {
    await insertRows(this.sql, this.respond.runEvidence, rows.map((r) => line({ run_id: runId, account_id: r.account_id, first_entry: r.first_entry, entries: r.entries })));
  }

  async accountEvidence(runId: string, accountId: string): Promise<AccountEvidenceRef | undefined> {
    const r = (await this.sql.rows(`SELECT first_entry AS f, entries AS n FROM ${this.respond.runEvidence}
      WHERE run_id = ${sqlString(runId)} AND account_id = ${sqlString(accountId)} ORDER BY f DESC LIMIT 1`))[0];
    return r === undefined ? undefined : { account_id: accountId, first_entry: Number(r.f), entries: Number(r.n) };
  }

  async runSources(runId: string): Promise<RunSource[]> { return read.runSources(this.reader, await this.runRows(runId)); }

  async *runSourceTokens(runId: string): AsyncIterable<RunSourceToken> {
    yield* read.runSourceTokens(this.reader, await this.runRows(runId));
  }

  async runDiff(runId: string, earlierRunId: string): Promise<RunDiff> {
    return read.runDiff(this.reader, await this.runRows(runId), await this.runRows(earlierRunId));
  }

  async *runChanges(runId: string, earlierRunId: string): AsyncIterable<AccountChange> {
    yield* read.runChanges(this.reader, await this.runRows(runId), await this.runRows(earlierRunId));
  }

  async pruneBefore(t: number): Promise<{ access: number; ledger: number }> {
    if (this.opts.cluster !== undefined) {
      throw new BreachwatchError('ERR_CONFIG', `${this.opts.where}: a cluster store is pruned shard by shard (open each shard's own URL)`);
    }
    await this.flush();
    const held = sqlInt(await heldSeq(this.sql, this.tables));
    const out = await pruneBefore({
      sql: this.sql, database: this.opts.database, where: this.opts.where,
      holds: () => this.listHolds({ active: true }),
      count: async (table, before) => Number((await this.sql.rows(`SELECT count() AS n FROM ${this.tables[table]} FINAL
        WHERE seq <= ${held} AND t < ${sqlInt(Math.floor(before))}`))[0]?.n ?? 0),
    }, t);
    this.generation++;
    return out;
  }

  recordIntents(rows: readonly DeliveryIntent[]): Promise<{ recorded: number; existing: number }> {
    return ledger.recordIntents(this.sql, this.respond.deliveries, rows, Date.now());
  }

  claimDelivery(noticeId: string, at: number): Promise<DeliveryRecord | undefined> { return ledger.claim(this.sql, this.respond.deliveries, this.claims, noticeId, at); }
  settleDelivery(noticeId: string, outcome: DeliveryOutcome): Promise<void> { return ledger.settle(this.sql, this.respond.deliveries, this.claims, noticeId, outcome); }
  markInterrupted(incidentId?: string): Promise<number> { return ledger.markInterrupted(this.sql, this.respond.deliveries, incidentId); }

  requeueDeliveries(filter: { readonly incident_id?: string; readonly from?: readonly DeliveryState[]; readonly notice_ids?: readonly string[] }): Promise<number> {
    return ledger.requeue(this.sql, this.respond.deliveries, filter);
  }

  listDeliveries(filter?: DeliveryFilter): Promise<DeliveryRecord[]> { return ledger.list(this.sql, this.respond.deliveries, filter); }
  deliveryCounts(incidentId?: string): Promise<Record<DeliveryState, number>> { return ledger.counts(this.sql, this.respond.deliveries, incidentId); }

  noteDeliveryEvidence(rows: readonly { readonly notice_id: string; readonly index: number }[]): Promise<void> {
    return ledger.noteEvidence(this.sql, this.respond.deliveries, rows);
  }
}
