/**
 * The whole DuckDB {@link Store}: the event store plus the response's roles — incidents,
 * legal holds, saved scope runs and retention — in the same database file, so that the
 * incident's numbers travel with the data they describe. Writes run on the main connection
 * one at a time; large reads stream on a connection of their own.
 */
import { BreachwatchError } from '../../model/index.js';
import type { Indicator } from '../../model/index.js';
import type { AffectedAccount, ScopeAggregates, Store } from '../store.js';
import type {
  AccountChange, AccountEvidenceRef, AccountLines, EvidenceMark, IncidentRow, LegalHold, LineHash, NewScopeRun,
  ReportRow, RunDiff, RunRequest, RunSource, RunSourceToken, ScopeRunRow,
} from '../respond-store.js';
import { DuckDbEventStore } from './duckdb-store.js';
import * as inc from './incident-rows.js';
import { withJsonRows } from './json-stage.js';
import * as read from './run-read.js';
import { saveRun } from './run-save.js';
import { streamAffected } from './stream-affected.js';

type Row = readonly unknown[];

/** DuckDB-backed store; create with `openDuckDbStore`. */
export class DuckDbStore extends DuckDbEventStore implements Store {
  /** Runs `sql` on a connection of its own and yields its rows chunk by chunk. */
  private async *rows(sql: string, params: readonly string[]): AsyncGenerator<Row> {
    await this.flush();
    const conn = await this.instance.connect();
    this.streams.add(conn);
    try {
      const result = await conn.stream(sql, [...params]);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) return;
        yield* chunk.getRows();
      }
    } finally {
      this.streams.delete(conn);
      conn.closeSync();
    }
  }

  private readonly stream: read.RowStream = (sql, params) => this.rows(sql, params);

  putIncident(row: IncidentRow): Promise<void> {
    return this.serial((c) => inc.putIncident(c, this.dir, row));
  }

  getIncident(id: string): Promise<IncidentRow | undefined> {
    return this.serial((c) => inc.getIncident(c, id));
  }

  listIncidents(): Promise<IncidentRow[]> {
    return this.serial((c) => inc.listIncidents(c));
  }

  putHold(h: LegalHold): Promise<void> {
    return this.serial((c) => inc.putHold(c, this.dir, h));
  }

  listHolds(opts?: { readonly incidentId?: string; readonly active?: boolean }): Promise<LegalHold[]> {
    return this.serial((c) => inc.listHolds(c, opts));
  }

  markEvidence(rows: readonly EvidenceMark[]): Promise<void> {
    return this.serial((c) => inc.markEvidence(c, this.dir, rows));
  }

  evidenceMarks(incidentId: string, kind: string): Promise<EvidenceMark[]> {
    return this.serial((c) => inc.evidenceMarks(c, incidentId, kind));
  }

  putReport(row: ReportRow): Promise<void> {
    return this.serial((c) => inc.putReport(c, this.dir, row));
  }

  async inputFiles(): Promise<string[]> {
    await this.flush();
    return this.serial(async (c) => (await c.runAndReadAll(`SELECT file FROM (SELECT DISTINCT file FROM access
      UNION SELECT DISTINCT file FROM ledger) WHERE file IS NOT NULL ORDER BY file`)).getRows().map((r) => String(r[0])));
  }

  listReports(incidentId: string): Promise<ReportRow[]> {
    return this.serial((c) => inc.listReports(c, incidentId));
  }

  async saveScopeRun(run: NewScopeRun): Promise<ScopeRunRow> {
    await this.flush();
    await this.serial((c) => saveRun(c, this.dir, run));
    const saved = await this.getScopeRun(run.run_id);
    if (saved === undefined) throw new BreachwatchError('ERR_STORE', `scope run ${run.run_id} was not saved`);
    return saved;
  }

  async getScopeRun(runId: string): Promise<ScopeRunRow | undefined> {
    return (await this.serial((c) => read.runs(c, 'run_id = $1', [runId])))[0];
  }

  listScopeRuns(incidentId: string): Promise<ScopeRunRow[]> {
    return this.serial((c) => read.runs(c, 'incident_id = $1', [incidentId]));
  }

  runIndicators(runId: string): Promise<Indicator[]> {
    return this.serial((c) => read.runIndicators(c, runId));
  }

  async *runAccounts(runId: string): AsyncIterable<AffectedAccount> {
    const conn = await this.instance.connect();
    this.streams.add(conn);
    try {
      yield* streamAffected(conn, read.accountsSql(runId));
    } finally {
      this.streams.delete(conn);
      conn.closeSync();
    }
  }

  runAggregates(runId: string): Promise<ScopeAggregates> {
    return this.serial((c) => read.runAggregates(c, runId));
  }

  async accountExposure(runId: string, accountId: string): Promise<AffectedAccount | undefined> {
    for await (const a of this.runAccountsWhere(runId, accountId)) return a;
    return undefined;
  }

  private async *runAccountsWhere(runId: string, accountId: string): AsyncGenerator<AffectedAccount> {
    const conn = await this.instance.connect();
    try {
      yield* streamAffected(conn, read.accountsSql(runId, accountId));
    } finally {
      conn.closeSync();
    }
  }

  accountRequests(runId: string, accountId: string): Promise<RunRequest[]> {
    return this.serial((c) => read.accountRequests(c, runId, accountId));
  }

  async *runRequestsByFile(runId: string): AsyncIterable<RunRequest> {
    for await (const r of this.rows(read.requestsByFileSql(), [runId])) yield read.requestOf(r);
  }

  putLineHashes(runId: string, rows: readonly LineHash[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.serial((c) => withJsonRows(this.dir, rows, `{file: 'VARCHAR', line: 'BIGINT', sha256: 'VARCHAR', problem: 'VARCHAR'}`,
      async (src) => { await c.run(`INSERT INTO scope_run_lines SELECT $1, file, line, sha256, problem FROM ${src}`, [runId]); }));
  }

  runAccountLines(runId: string): AsyncIterable<AccountLines> {
    return read.runAccountLines(this.stream, runId);
  }

  putAccountEvidence(runId: string, rows: readonly AccountEvidenceRef[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.serial((c) => withJsonRows(this.dir, rows, `{account_id: 'VARCHAR', first_entry: 'BIGINT', entries: 'INTEGER'}`,
      async (src) => { await c.run(`INSERT INTO scope_run_evidence SELECT $1, account_id, first_entry, entries FROM ${src}`, [runId]); }));
  }

  async accountEvidence(runId: string, accountId: string): Promise<AccountEvidenceRef | undefined> {
    const rows = await this.serial(async (c) => (await c.runAndReadAll(`SELECT account_id, first_entry::DOUBLE, entries
      FROM scope_run_evidence WHERE run_id = $1 AND account_id = $2 ORDER BY first_entry DESC LIMIT 1`, [runId, accountId])).getRows());
    const r = rows[0];
    return r === undefined ? undefined : { account_id: String(r[0]), first_entry: Number(r[1]), entries: Number(r[2]) };
  }

  runSources(runId: string): Promise<RunSource[]> {
    return this.serial((c) => read.runSources(c, runId));
  }

  runSourceTokens(runId: string): AsyncIterable<RunSourceToken> {
    return read.runSourceTokens(this.stream, runId);
  }

  runDiff(runId: string, earlierRunId: string): Promise<RunDiff> {
    return this.serial((c) => read.runDiff(c, runId, earlierRunId));
  }

  runChanges(runId: string, earlierRunId: string): AsyncIterable<AccountChange> {
    return read.runChanges(this.stream, runId, earlierRunId);
  }

  async pruneBefore(t: number): Promise<{ access: number; ledger: number }> {
    await this.flush();
    const out = await this.serial(async (c) => {
      // The hold check and the deletes are one transaction: a hold placed meanwhile cannot be missed.
      await c.run('BEGIN TRANSACTION');
      try {
        const held = (await c.runAndReadAll('SELECT hold_id, incident_id FROM legal_holds WHERE lifted_at IS NULL ORDER BY placed_at')).getRows();
        if (held.length > 0) {
          throw new BreachwatchError('ERR_HOLD', `a legal hold stands (${held.map((h) => `${String(h[0])} of incident ${String(h[1])}`).join(', ')}): nothing is deleted while it does`);
        }
        const cut = `make_timestamp((${Math.floor(t)} * 1000)::BIGINT)`;
        const access = Number((await c.runAndReadAll(`DELETE FROM access WHERE t < ${cut}`)).getRows()[0]?.[0] ?? 0);
        const ledger = Number((await c.runAndReadAll(`DELETE FROM ledger WHERE t < ${cut}`)).getRows()[0]?.[0] ?? 0);
        await c.run('COMMIT');
        return { access, ledger };
      } catch (e) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
    this.generation++;
    return out;
  }
}
