/**
 * The event half of the ClickHouse {@link Store} (the response's roles are added by
 * `clickhouse-store.ts`): one server, or a cluster through Distributed tables. Appends
 * stream into long inserts in the background ({@link InsertPipe}); commits travel with their
 * seq in the rows ({@link CommitLog}); everything small is written at once. Reads of events
 * first wait for pending loads, take only rows of held commits, and count every event once
 * whatever copies retries left (grouped by identity, or `FINAL` for plain counts).
 */
import type { AccessEvent, Alert, CatalogRoute, Indicator, KeyRecord, LedgerEvent } from '../../model/index.js';
import type {
  AffectedAccount, AlertFilter, PivotQueries, RejectedRow, ScopeAggregates, ScopeQuery, SourceProfile, SourceUse, Store, StoreCommit,
  StoredIndicator, StoredRequest, TokenUse,
} from '../store.js';
import type { IncidentStore, RetentionStore, ScopeRunStore } from '../respond-store.js';
import * as alerts from './alerts.js';
import { CommitLog, heldSeq } from './commit-log.js';
import { sqlInt } from './escape.js';
import { findRequests } from './find-requests.js';
import { InsertPipe } from './insert-pipe.js';
import { personalRoutes, putCatalog, putKeys } from './reference.js';
import { accessRow, ledgerRow } from './rows.js';
import { distributedTablesSql, plainTablesSql, tableNames, type TableNames } from './schema.js';
import { affectedSql, aggregates, buildHits, fieldsOf, type ScopeHits } from './scope-sql.js';
import type { ClickHouseSql, Settings } from './sql.js';
import { verifyShards } from './shards.js';
import * as pivots from './pivot-sql.js';

/** Rows per bulk insert: one 18.16 block (`max_insert_block_size`), so one part per month touched. */
export const BULK_INSERT_ROWS = 1_048_576;

/** How many scope queries' materialized hits stay once no query uses them. */
const KEEP_HITS = 2;

/** How a ClickHouse store is set up. */
export interface ClickHouseStoreOptions {
  readonly database: string;
  /** A `remote_servers` cluster: `access` and `ledger` go through Distributed tables over it. */
  readonly cluster?: string;
  /** Rows per bulk insert (default {@link BULK_INSERT_ROWS}). */
  readonly insertRows?: number;
  /** Live use: staged rows and commits load once the oldest has waited this long. */
  readonly loadWithinMs?: number;
  /** Names the store in errors (never with a password). */
  readonly where: string;
}

/** The event store, ingest to scope; `ClickHouseStore` adds the response's roles. */
export abstract class ClickHouseEventStore implements Omit<Store, keyof IncidentStore | keyof ScopeRunStore | keyof RetentionStore>, PivotQueries {
  readonly backend = 'clickhouse';
  protected readonly tables: TableNames;
  private readonly access: InsertPipe;
  private readonly ledger: InsertPipe;
  private readonly commits: CommitLog;
  private readonly insertSettings: Settings;
  protected generation = 0;
  private hits = new WeakMap<ScopeQuery, { gen: number; hits: Promise<ScopeHits> }>();
  private readonly scratch: string[] = [];
  /** Hits tables in use by a running query (count of holders), and those dropped since they were built. */
  private readonly inUse = new Map<string, number>();
  private readonly dropped = new Set<string>();
  private closed = false;

  constructor(protected readonly sql: ClickHouseSql, protected readonly opts: ClickHouseStoreOptions) {
    this.tables = tableNames(opts.database, opts.cluster);
    // A Distributed insert returns once every shard has its rows, not when they are spooled.
    this.insertSettings = opts.cluster === undefined ? {} : { insert_distributed_sync: 1 };
    const age = opts.loadWithinMs === undefined ? {} : { maxAgeMs: opts.loadWithinMs };
    const rotateRows = opts.insertRows ?? BULK_INSERT_ROWS;
    this.access = new InsertPipe({ sql, table: this.tables.access, settings: this.insertSettings, rotateRows, ...age, what: 'loading access rows' });
    this.ledger = new InsertPipe({ sql, table: this.tables.ledger, settings: this.insertSettings, rotateRows, ...age, what: 'loading ledger rows' });
    this.commits = new CommitLog({ sql, tables: this.tables, settings: this.insertSettings, batchRows: rotateRows, ...age });
  }

  async init(): Promise<void> {
    for (const ddl of plainTablesSql(this.opts.database)) await this.sql.command(ddl);
    if (this.opts.cluster !== undefined) {
      await verifyShards(this.sql, this.opts.database, this.opts.cluster);
      for (const ddl of distributedTablesSql(this.opts.database, this.opts.cluster)) await this.sql.command(ddl);
    }
    await this.commits.init();
  }

  async appendAccess(batch: readonly AccessEvent[]): Promise<void> {
    if (batch.length === 0) return;
    this.generation++;
    for (const ev of batch) this.access.push(accessRow(ev, 0));
    await this.access.pump();
  }

  async appendLedger(batch: readonly LedgerEvent[]): Promise<void> {
    if (batch.length === 0) return;
    this.generation++;
    for (const ev of batch) this.ledger.push(ledgerRow(ev, 0));
    await this.ledger.pump();
  }

  async commit(c: StoreCommit): Promise<void> {
    this.generation++;
    await this.commits.commit(c);
  }

  lastCommittedSeq(): Promise<number> {
    return Promise.resolve(this.commits.held);
  }

  async flush(): Promise<void> {
    await Promise.all([this.access.seal(), this.ledger.seal(), this.commits.flush()]);
  }

  drainRejected(): RejectedRow[] {
    // ClickHouse takes every row the parsers accept (String columns hold any bytes; numbers
    // are range-checked before they get here); a refused insert fails the load as before.
    return [];
  }

  async findRequests(requestId: string): Promise<StoredRequest[]> {
    await this.flush();
    return findRequests(this.sql, this.tables.access, await heldSeq(this.sql, this.tables), requestId);
  }

  expectRemaining(): void {
    // Nothing to shrink: rows stream into the open insert as they come, so the final flush
    // only ends it and waits for its last block, whatever the batch size.
  }

  putKeys(keys: readonly KeyRecord[]): Promise<void> {
    return putKeys(this.sql, this.tables, keys);
  }

  putCatalog(routes: readonly CatalogRoute[]): Promise<void> {
    this.generation++;
    return putCatalog(this.sql, this.tables, routes);
  }

  upsertAlerts(list: readonly Alert[]): Promise<void> {
    return alerts.upsertAlerts(this.sql, this.tables, list);
  }

  addIndicators(rows: readonly StoredIndicator[]): Promise<void> {
    return alerts.addIndicators(this.sql, this.tables, rows);
  }

  listAlerts(filter?: AlertFilter): Promise<Alert[]> {
    return alerts.listAlerts(this.sql, this.tables, filter);
  }

  listIndicators(alertIds: readonly string[], includeRetracted = false): Promise<StoredIndicator[]> {
    return alerts.listIndicators(this.sql, this.tables, alertIds, includeRetracted);
  }

  countAccess(): Promise<number> {
    return this.countRows(this.tables.access);
  }

  countLedger(): Promise<number> {
    return this.countRows(this.tables.ledger);
  }

  /** Events of a table once everything appended has loaded, each once (FINAL merges copies). */
  private async countRows(table: string): Promise<number> {
    await this.flush();
    const held = await heldSeq(this.sql, this.tables);
    const r = await this.sql.rows(`SELECT count() AS n FROM ${table} FINAL WHERE seq <= ${sqlInt(held)}`);
    return Number(r[0]?.n ?? 0);
  }

  /** What the pivot queries run on, once pending loads are in. */
  private async pivotInput(): Promise<pivots.PivotInput> {
    await this.flush();
    return { sql: this.sql, tables: this.tables, global: this.opts.cluster !== undefined, held: await heldSeq(this.sql, this.tables) };
  }

  async tokenSources(tokens: readonly Indicator[]): Promise<SourceUse[]> {
    return pivots.tokenSources(await this.pivotInput(), tokens);
  }

  async keySources(kid: string, from: number, to: number): Promise<SourceUse[]> {
    return pivots.keySources(await this.pivotInput(), kid, from, to);
  }

  async sourceProfiles(ips: readonly string[], minPersonalShare: number): Promise<SourceProfile[]> {
    const p = await this.pivotInput();
    return pivots.sourceProfiles(p, await personalRoutes(this.sql, this.tables), ips, minPersonalShare);
  }

  async sourceTokens(ips: readonly string[], known: readonly string[]): Promise<TokenUse[]> {
    const p = await this.pivotInput();
    return pivots.sourceTokens(p, await personalRoutes(this.sql, this.tables), ips, known);
  }

  /**
   * The hits of `q`, built once per query object and data generation, and held for the
   * caller until it calls {@link release}: a table in use is never dropped, and one dropped
   * meanwhile (more queries than {@link KEEP_HITS} since) is built again, so concurrent scope
   * queries never lose each other's tables.
   */
  private async acquireHits(q: ScopeQuery): Promise<ScopeHits> {
    await this.flush();
    const cached = this.hits.get(q);
    if (cached !== undefined && cached.gen === this.generation) {
      const h = await cached.hits;
      if (!this.dropped.has(h.table)) return this.hold(h);
    }
    const hits = (async () => {
      const [routes, held] = await Promise.all([personalRoutes(this.sql, this.tables), heldSeq(this.sql, this.tables)]);
      return buildHits({
        sql: this.sql, tables: this.tables, global: this.opts.cluster !== undefined, held, routes, indicators: q.indicators,
      });
    })();
    this.hits.set(q, { gen: this.generation, hits });
    const h = this.hold(await hits);
    if (!h.empty) await this.keep(h.table);
    return h;
  }

  /** Marks `h` in use (synchronously, so nothing can drop it between the check and the use). */
  private hold(h: ScopeHits): ScopeHits {
    this.inUse.set(h.table, (this.inUse.get(h.table) ?? 0) + 1);
    return h;
  }

  private release(h: ScopeHits): void {
    const n = (this.inUse.get(h.table) ?? 1) - 1;
    if (n <= 0) this.inUse.delete(h.table);
    else this.inUse.set(h.table, n);
  }

  /** Remembers a scratch table, dropping the oldest ones not in use beyond the last few. */
  private async keep(table: string): Promise<void> {
    this.scratch.push(table);
    for (let i = 0; this.scratch.length > KEEP_HITS && i < this.scratch.length;) {
      const t = this.scratch[i] as string;
      if (t === table || this.inUse.has(t)) { i++; continue; }
      this.scratch.splice(i, 1);
      this.dropped.add(t);
      await this.sql.command(`DROP TABLE IF EXISTS ${t}`);
    }
  }

  async *affectedAccounts(q: ScopeQuery): AsyncIterable<AffectedAccount> {
    const h = await this.acquireHits(q);
    try {
      if (h.empty) return;
      for await (const r of this.sql.stream(affectedSql(h))) {
        yield {
          account_id: String(r.id), fields: fieldsOf(h, r.rs as unknown[]), first_access: Number(r.f), last_access: Number(r.l),
          accesses: Number(r.n), src_ips: (r.ips as unknown[]).map(String).sort(),
        };
      }
    } finally {
      this.release(h);
    }
  }

  async scopeAggregates(q: ScopeQuery): Promise<ScopeAggregates> {
    const h = await this.acquireHits(q);
    try {
      return await aggregates(this.sql, h);
    } finally {
      this.release(h);
    }
  }

  releaseMemory(): Promise<void> {
    // The server manages its own caches; this process holds only the rows it is sending.
    return Promise.resolve();
  }

  memoryBytes(): Promise<number | undefined> {
    // JavaScript strings of rows not yet sent (two bytes a character at most).
    return Promise.resolve(this.closed ? undefined : 2 * (this.access.heldChars + this.ledger.heldChars + this.commits.heldChars));
  }

  /** Loads what is pending, drops this store's scratch tables, closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await Promise.all([this.access.discard(), this.ledger.discard(), this.commits.discard()]);
      for (const t of this.scratch.splice(0)) await this.sql.command(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
      this.hits = new WeakMap();
      await this.sql.close();
    }
  }
}
