/**
 * The embedded {@link Store}: one DuckDB database (file or in-memory). Access and ledger
 * events appended in bulk load in the background through {@link StagedLoader}; sequenced
 * commits through {@link CommitLoader}, each batch of them in one transaction with its seq;
 * everything else is small and written at once. Reads first wait for pending loads, so they
 * see everything appended.
 */
import { rm } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { AccessEvent, Alert, CatalogRoute, Indicator, KeyRecord, LedgerEvent } from '../../model/index.js';
import { BreachwatchError } from '../../model/index.js';
import type {
  AffectedAccount, AlertFilter, PivotQueries, ScopeAggregates, ScopeQuery, SourceProfile, SourceUse, Store, StoreCommit,
  StoredIndicator, StoredRequest, RejectedRow, TokenUse,
} from '../store.js';
import type { IncidentStore, RetentionStore, ScopeRunStore } from '../respond-store.js';
import * as pivots from './pivot-sql.js';
import * as alerts from './alerts.js';
import * as deliveries from './deliveries.js';
import type { DeliveryFilter, DeliveryIntent, DeliveryOutcome, DeliveryRecord, DeliveryState, DeliveryStore } from '../delivery.js';
import { pushAccessLine, insertAccessSql, insertLedgerSql, ledgerLine } from './access-staging.js';
import { putCatalog, putKeys } from './reference.js';
import { MACROS_SQL, TABLES_SQL } from './schema.js';
import { affectedSql, aggregates, buildHits } from './scope-sql.js';
import type { ScopeHits } from './scope-sql.js';
import { streamAffected } from './stream-affected.js';
import { StagedLoader } from './staged-loader.js';
import { CommitLoader } from './commit-loader.js';
import { findRequests } from './find-requests.js';

/**
 * DuckDB's row group size. Loads of whole row groups are written straight to the database
 * file; a load that leaves a row group partly filled makes a later small load go through the
 * write-ahead log, and the checkpoint that follows rewrites the partial groups (measured: a
 * 45k-row load after ten uneven loads cost 1.9 s at checkpoint, after whole-group loads 0.2 s).
 */
const ROW_GROUP = 122_880;

/** Access lines per load: four row groups (491,520 lines; whole groups only when appends may be split). */
const ACCESS_BATCH_LINES = 4 * ROW_GROUP;

/** Ledger lines per load: one row group. */
const LEDGER_BATCH_LINES = ROW_GROUP;

/** What {@link DuckDbStore.releaseMemory} lowers DuckDB's memory limit to, for a moment. */
const RELEASE_TO = '32MB';

/** How many idle scope queries' materialized hits stay cached (tables in use are never dropped). */
const KEEP_HITS = 2;

/** One scope query's materialized hits table and who is using it. */
interface HitsEntry {
  readonly name: string;
  readonly gen: number;
  readonly hits: Promise<ScopeHits>;
  users: number;
  lastUsed: number;
  dropped: boolean;
}

/**
 * The events, reference, alert, scope and delivery-ledger roles of the DuckDB store;
 * `DuckDbStore` (`respond-store.ts`) adds the response's roles. Create with `openDuckDbStore`.
 */
export class DuckDbEventStore implements Omit<Store, keyof (IncidentStore & ScopeRunStore & RetentionStore)>, DeliveryStore, PivotQueries {
  readonly backend = 'duckdb';
  private readonly access: StagedLoader;
  private readonly ledger: StagedLoader;
  private readonly commits: CommitLoader;
  private readonly pushAccess: (head: string, body: string, tail: string) => void;
  protected generation = 0;
  private hits = new WeakMap<ScopeQuery, HitsEntry>();
  /** Hits tables that exist now (in use or cached). */
  private readonly liveHits = new Set<HitsEntry>();
  private scratchSeq = 0;
  private useSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  protected readonly streams = new Set<DuckDBConnection>();
  protected closed = false;

  constructor(
    protected readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly loaderConns: readonly DuckDBConnection[],
    protected readonly dir: string,
    private readonly ownDirs: readonly string[],
    private readonly onClose: () => void = () => undefined,
    loading: { readonly batchLines?: number; readonly maxAgeMs?: number; readonly ordered?: boolean; readonly splitAppends?: boolean } = {},
  ) {
    const batch = {
      ...(loading.maxAgeMs !== undefined && { maxAgeMs: loading.maxAgeMs }),
      ...(loading.splitAppends === true && { splitAppends: true }),
    };
    // Each loader owns its connections: one connection never runs two loads at once, and an
    // ordered loader has one connection, so its loads land in the order they were staged.
    const [commitConn, ledgerConn, ...allAccess] = loaderConns;
    const accessConns = loading.ordered === true ? allAccess.slice(0, 1) : allAccess;
    if (commitConn === undefined) throw new BreachwatchError('ERR_INTERNAL', 'the DuckDB store needs its loader connections');
    this.commits = new CommitLoader({
      dir, connection: commitConn, batchLines: loading.batchLines ?? ACCESS_BATCH_LINES,
      ...(loading.maxAgeMs !== undefined && { maxAgeMs: loading.maxAgeMs }),
    });
    this.access = new StagedLoader({
      dir, name: 'access', table: 'access', connections: accessConns, insertSql: insertAccessSql, ...batch,
      batchLines: loading.batchLines ?? ACCESS_BATCH_LINES,
    });
    this.pushAccess = (head, body, tail) => this.access.push(head, body, tail);
    // Ledger rows are few and small: smaller loads spread them over the run instead of one
    // load at the end that everything waits for.
    this.ledger = new StagedLoader({
      dir, name: 'ledger', table: 'ledger', connections: ledgerConn === undefined ? [] : [ledgerConn], insertSql: insertLedgerSql,
      ...batch, batchLines: Math.min(LEDGER_BATCH_LINES, loading.batchLines ?? LEDGER_BATCH_LINES),
    });
  }

  /** Runs `fn` on the main connection, one at a time. */
  protected serial<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => fn(this.conn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async init(): Promise<void> {
    await this.serial(async (c) => {
      await c.run(`ATTACH IF NOT EXISTS ':memory:' AS bw_scratch`);
      // Without ICU, DuckDB has no time zones and is UTC already.
      await c.run(`SET GLOBAL TimeZone = 'UTC'`).catch(() => undefined);
      for (const sql of [...MACROS_SQL, ...TABLES_SQL]) await c.run(sql);
    });
    await this.commits.init();
  }

  async appendAccess(batch: readonly AccessEvent[]): Promise<void> {
    if (batch.length === 0) return;
    this.generation++;
    const push = this.pushAccess;
    for (const ev of batch) pushAccessLine(push, ev);
    await this.access.maybeLoad();
  }

  async appendLedger(batch: readonly LedgerEvent[]): Promise<void> {
    if (batch.length === 0) return;
    this.generation++;
    for (const ev of batch) this.ledger.push(ledgerLine(ev));
    await this.ledger.maybeLoad();
  }

  async commit(c: StoreCommit): Promise<void> {
    this.generation++;
    await this.commits.commit(c);
  }

  drainRejected(): RejectedRow[] {
    return [...this.access.drainRejected(), ...this.ledger.drainRejected(), ...this.commits.drainRejected()];
  }

  lastCommittedSeq(): Promise<number> {
    return Promise.resolve(this.commits.lastLoaded);
  }

  putKeys(keys: readonly KeyRecord[]): Promise<void> {
    return this.serial((c) => putKeys(c, this.dir, keys));
  }

  putCatalog(routes: readonly CatalogRoute[]): Promise<void> {
    this.generation++;
    return this.serial((c) => putCatalog(c, this.dir, routes));
  }

  upsertAlerts(list: readonly Alert[]): Promise<void> {
    return this.serial((c) => alerts.upsertAlerts(c, this.dir, list));
  }

  addIndicators(rows: readonly StoredIndicator[]): Promise<void> {
    return this.serial((c) => alerts.addIndicators(c, this.dir, rows));
  }

  recordIntents(rows: readonly DeliveryIntent[]): Promise<{ recorded: number; existing: number }> {
    return this.serial((c) => deliveries.recordIntents(c, this.dir, rows, Date.now()));
  }

  claimDelivery(noticeId: string, at: number): Promise<DeliveryRecord | undefined> {
    return this.serial((c) => deliveries.claim(c, noticeId, at));
  }

  settleDelivery(noticeId: string, outcome: DeliveryOutcome): Promise<void> {
    return this.serial((c) => deliveries.settle(c, noticeId, outcome));
  }

  markInterrupted(incidentId?: string): Promise<number> {
    return this.serial((c) => deliveries.markInterrupted(c, incidentId));
  }

  requeueDeliveries(filter: { readonly incident_id?: string; readonly from?: readonly DeliveryState[]; readonly notice_ids?: readonly string[] }): Promise<number> {
    return this.serial((c) => deliveries.requeue(c, filter));
  }

  listDeliveries(filter?: DeliveryFilter): Promise<DeliveryRecord[]> {
    return this.serial((c) => deliveries.list(c, this.dir, filter));
  }

  deliveryCounts(incidentId?: string): Promise<Record<DeliveryState, number>> {
    return this.serial((c) => deliveries.counts(c, incidentId));
  }

  noteDeliveryEvidence(rows: readonly { readonly notice_id: string; readonly index: number }[]): Promise<void> {
    return this.serial((c) => deliveries.noteEvidence(c, this.dir, rows));
  }

  async flush(): Promise<void> {
    // Each loader has its own connection: wait for all at once.
    await Promise.all([this.access.flush(), this.ledger.flush(), this.commits.flush()]);
  }

  expectRemaining(events: number): void {
    // Near the end, access loads shrink (in whole row groups; the loader never goes above its
    // configured size) to about half of what is left, so that the load the final flush waits
    // for is at most one row group, not four. Ledger loads are one row group already.
    this.access.limitBatch(Math.max(1, Math.floor(events / (2 * ROW_GROUP))) * ROW_GROUP);
  }

  listAlerts(filter?: AlertFilter): Promise<Alert[]> {
    return this.serial((c) => alerts.listAlerts(c, filter));
  }

  listIndicators(alertIds: readonly string[], includeRetracted = false): Promise<StoredIndicator[]> {
    return this.serial((c) => alerts.listIndicators(c, this.dir, alertIds, includeRetracted));
  }

  countAccess(): Promise<number> {
    return this.countRows('access');
  }

  countLedger(): Promise<number> {
    return this.countRows('ledger');
  }

  /** Rows of a table once everything appended has loaded. */
  private async countRows(table: 'access' | 'ledger'): Promise<number> {
    await this.flush();
    return this.serial(async (c) => Number((await c.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${table}`)).getRows()[0]?.[0] ?? 0));
  }

  /**
   * Leases the hits of `q`, built once per query object and data generation. Each query has
   * its own scratch table, and a table is dropped only when no one uses it (concurrent scope
   * jobs and alert pages once dropped each other's tables mid-query).
   */
  private async leaseHits(q: ScopeQuery): Promise<{ hits: ScopeHits; release: () => void }> {
    await this.flush();
    let e = this.hits.get(q);
    if (e === undefined || e.gen !== this.generation || e.dropped) {
      const name = `hits_${this.scratchSeq++}`;
      e = { name, gen: this.generation, hits: this.serial((c) => buildHits(c, this.dir, name, q.indicators)), users: 0, lastUsed: 0, dropped: false };
      this.hits.set(q, e);
      this.liveHits.add(e);
    }
    const entry = e;
    entry.users++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      entry.users--;
      entry.lastUsed = this.useSeq++;
      this.pruneHits();
    };
    try {
      return { hits: await entry.hits, release };
    } catch (err) {
      release();
      this.dropHits(entry);
      throw err;
    }
  }

  /** Drops idle hits tables beyond the newest few, and idle ones of older data. */
  private pruneHits(): void {
    const idle = [...this.liveHits].filter((x) => x.users === 0).sort((a, b) => b.lastUsed - a.lastUsed);
    idle.forEach((x, i) => { if (i >= KEEP_HITS || x.gen !== this.generation) this.dropHits(x); });
  }

  private dropHits(e: HitsEntry): void {
    if (e.dropped) return;
    e.dropped = true;
    this.liveHits.delete(e);
    if (this.closed) return;
    void this.serial((c) => c.run(`DROP TABLE IF EXISTS bw_scratch.${e.name}`)).catch(() => undefined);
  }

  async *affectedAccounts(q: ScopeQuery): AsyncIterable<AffectedAccount> {
    const { hits: h, release } = await this.leaseHits(q);
    try {
      if (h.empty) return;
      // A stream holds its connection until drained: give it its own.
      const conn = await this.instance.connect();
      this.streams.add(conn);
      try {
        yield* streamAffected(conn, affectedSql(h));
      } finally {
        this.streams.delete(conn);
        conn.closeSync();
      }
    } finally {
      release();
    }
  }

  async scopeAggregates(q: ScopeQuery): Promise<ScopeAggregates> {
    const { hits: h, release } = await this.leaseHits(q);
    try {
      return await this.serial((c) => aggregates(c, h));
    } finally {
      release();
    }
  }

  async findRequests(requestId: string): Promise<StoredRequest[]> {
    await this.flush();
    return this.serial((c) => findRequests(c, requestId));
  }

  async tokenSources(tokens: readonly Indicator[]): Promise<SourceUse[]> {
    await this.flush();
    return this.serial((c) => pivots.tokenSources(c, this.dir, tokens));
  }

  async keySources(kid: string, from: number, to: number): Promise<SourceUse[]> {
    await this.flush();
    return this.serial((c) => pivots.keySources(c, kid, from, to));
  }

  async sourceProfiles(ips: readonly string[], minPersonalShare: number): Promise<SourceProfile[]> {
    await this.flush();
    return this.serial((c) => pivots.sourceProfiles(c, this.dir, ips, minPersonalShare));
  }

  async sourceTokens(ips: readonly string[], known: readonly string[]): Promise<TokenUse[]> {
    await this.flush();
    return this.serial((c) => pivots.sourceTokens(c, this.dir, ips, known));
  }

  async releaseMemory(): Promise<void> {
    if (this.closed || this.streams.size > 0 || this.access.busy || this.ledger.busy || this.commits.busy) return;
    await this.serial(async (c) => {
      // Lowering the limit makes DuckDB evict unpinned blocks at once (they are on disk already).
      const limit = String((await (await c.run(`SELECT current_setting('memory_limit')`)).getRows())[0]?.[0] ?? '');
      // Only lower what can be put back exactly.
      if (!/^[\d.]+\s*[KMGT]i?B$/i.test(limit)) return;
      try {
        await c.run(`SET memory_limit = '${RELEASE_TO}'`);
      } catch {
        // Something pinned needs more right now: keep the cache this time.
      } finally {
        await c.run(`SET memory_limit = '${limit}'`);
      }
    });
  }

  async memoryBytes(): Promise<number | undefined> {
    if (this.closed) return undefined;
    return this.serial(async (c) => {
      const rows = await (await c.run('SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()')).getRows();
      const v = rows[0]?.[0];
      return v === null || v === undefined ? undefined : Number(v);
    });
  }

  /**
   * Loads what is pending and closes every connection before the database itself: a
   * connection left open keeps the database alive, and a second instance on the same file
   * in one process would corrupt it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.access.discard();
      await this.ledger.discard();
      await this.commits.discard();
      await this.queue;
      this.hits = new WeakMap();
      this.liveHits.clear();
      for (const c of [...this.streams, ...this.loaderConns, this.conn]) c.closeSync();
      this.streams.clear();
      this.instance.closeSync();
      this.onClose();
      for (const d of this.ownDirs) await rm(d, { recursive: true, force: true });
    }
  }
}
