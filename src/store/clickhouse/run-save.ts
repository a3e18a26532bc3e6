/**
 * Saving a scope run in ClickHouse, without a transaction. Every row the save writes carries
 * the run id and a random `save` id; the marker row in `scope_runs` is written last, once all
 * of them are stored, and readers read only the rows of the attempt a marker names (see
 * `respond-schema.ts`). A save killed at any point leaves no marker, so the run is absent; its
 * stray rows are never read, and saving the run again writes rows of a new attempt.
 *
 * The run's requests are every visible access row (`seq ≤ held`) its indicators match inside
 * their windows, any route and status, each event once (grouped by `(t, dedup_key)`, so
 * copies a retried delivery left count once); a request carried personal data to the attacker
 * when it is a 2xx answer with an account to a route the catalog calls `personal` now, and
 * then gets that route's 1-based number (`ridx`). The SQL keeps to what 18.16 and 26.x share
 * (see `scope-sql.ts`).
 */
import { randomBytes } from 'node:crypto';
import { BreachwatchError, type CatalogRoute } from '../../model/index.js';
import type { NewScopeRun } from '../respond-store.js';
import { mergeWindows } from '../scope-windows.js';
import { insertRows } from './alerts.js';
import { sqlInt, sqlString } from './escape.js';
import type { RespondTables } from './respond-schema.js';
import { MATCH, indicatorRows, routesLiteral } from './scope-sql.js';
import type { TableNames } from './schema.js';
import type { ClickHouseSql } from './sql.js';
import { nextVersion } from './version.js';

/** The request columns a run keeps, as the access table names them. */
const COLS = ['account_id', 't', 'src_ip', 'method', 'route', 'status', 'file', 'line', 'request_id', 'jti', 'kid', 'client_id',
  'user_agent', 'country', 'asn'] as const;

/** What {@link saveRun} needs. */
export interface SaveRunInput {
  readonly sql: ClickHouseSql;
  readonly tables: TableNames;
  readonly respond: RespondTables;
  /** `GLOBAL` joins on a cluster. */
  readonly global: boolean;
  readonly held: number;
  readonly routes: readonly CatalogRoute[];
}

/** Scope's matches, on every matched row (scope's `acc` is its non-null account). */
const ALL_MATCH: typeof MATCH = { ...MATCH, actor: { key: 'sub', also: 'account_id != sub' } };

const line = (o: object): string => `${JSON.stringify(o)}\n`;

/** A request column as {@link matchedSql} names it (no alias may shadow a column). */
const v = (c: (typeof COLS)[number]): string => (c === 't' ? 't' : `${c}_`);

/** Every visible access row the staged indicators `ind` match, each event once (columns named by {@link v}). */
function matchedSql(s: SaveRunInput, ind: string, types: readonly string[]): string {
  const g = s.global ? 'GLOBAL ' : '';
  const parts = types.map((type) => {
    const m = ALL_MATCH[type as keyof typeof ALL_MATCH];
    const ty = sqlString(type);
    return `SELECT dedup_key, ${COLS.join(', ')} FROM (
        SELECT ${COLS.join(', ')}, dedup_key, sub, host, assumeNotNull(${m.key}) AS k
        FROM ${s.tables.access}
        WHERE seq <= ${sqlInt(s.held)} AND ${m.key} ${g}IN (SELECT key FROM ${ind} WHERE type = ${ty})${m.where === undefined ? '' : ` AND ${m.where}`}) AS a
      ${g}ALL INNER JOIN (SELECT key AS k, lo AS i_lo, hi AS i_hi, first_seen AS i_from, last_seen AS i_to
        FROM ${ind} WHERE type = ${ty}) AS i USING (k)
      WHERE t >= i_from AND t <= i_to${m.also === undefined ? '' : ` AND ${m.also}`}`;
  });
  // One row per event: the copies of a retried one differ only in where they were read from.
  const pick = COLS.filter((c) => c !== 't' && c !== 'file' && c !== 'line').map((c) => `any(${c}) AS ${v(c)}`);
  return `SELECT t, ${pick.join(', ')}, min(tuple(file, line)) AS fl, tupleElement(fl, 1) AS file_, tupleElement(fl, 2) AS line_
    FROM (${parts.join('\n UNION ALL \n')}) AS m GROUP BY t, dedup_key`;
}

/** The route number of a matched request (0: no personal data reached the attacker). */
function ridxSql(routes: readonly CatalogRoute[]): string {
  if (routes.length === 0) return 'toUInt32(0)';
  return `toUInt32(if(${v('status')} >= 200 AND ${v('status')} <= 299 AND isNotNull(${v('account_id')}),
    indexOf(${routesLiteral(routes)}, tuple(${v('method')}, ${v('route')})), 0))`;
}

/** Stages `run`'s indicators in a Memory table; undefined when none can match. */
async function stageIndicators(s: SaveRunInput, run: NewScopeRun, name: string): Promise<{ table: string; types: string[] } | undefined> {
  const merged = mergeWindows(run.indicators.filter((i) => i.type in ALL_MATCH));
  const rows = indicatorRows(merged);
  if (rows.length === 0) return undefined;
  const table = s.tables.scratch(`run_ind_${name}`);
  await s.sql.command(`CREATE TABLE ${table} (type String, key String, lo String, hi String, first_seen Int64, last_seen Int64) ENGINE = Memory`);
  await insertRows(s.sql, table, rows);
  return { table, types: [...new Set(merged.map((i) => i.type))] };
}

/** Refuses a run id that is saved already (its marker exists). */
async function refuseSaved(s: SaveRunInput, runId: string): Promise<void> {
  const r = await s.sql.rows(`SELECT count() AS n FROM ${s.respond.runs} WHERE run_id = ${sqlString(runId)}`);
  if (Number(r[0]?.n ?? 0) > 0) throw new BreachwatchError('ERR_STATE', `scope run ${runId} is saved already`);
}

/** Saves `run` (see the file header); the caller has flushed pending loads. */
export async function saveRun(s: SaveRunInput, run: NewScopeRun): Promise<void> {
  await refuseSaved(s, run.run_id);
  const save = randomBytes(8).toString('hex');
  const id = sqlString(run.run_id);
  const tag = { run_id: run.run_id, save };
  const mine = `run_id = ${id} AND save = ${sqlString(save)}`;
  await insertRows(s.sql, s.respond.runIndicators, run.indicators.map((i) => line({
    ...tag, type: i.type, value: i.value, first_seen: Math.trunc(i.first_seen), last_seen: Math.trunc(i.last_seen),
  })));
  await insertRows(s.sql, s.respond.runRoutes, s.routes.map((r, i) => line({ ...tag, ridx: i + 1, method: r.method, route: r.route, fields: r.fields })));
  const staged = await stageIndicators(s, run, save);
  try {
    if (staged !== undefined) {
      await s.sql.command(`INSERT INTO ${s.respond.runRequests} (run_id, save, ${COLS.join(', ')}, ridx)
        SELECT ${id}, ${sqlString(save)}, ${COLS.map(v).join(', ')}, ${ridxSql(s.routes)}
        FROM (${matchedSql(s, staged.table, staged.types)}) AS d ORDER BY ifNull(${v('account_id')}, ''), t, ${v('file')}, ${v('line')}`);
      await s.sql.command(`INSERT INTO ${s.respond.runAccounts} (run_id, save, account_id, fields, first_access, last_access, accesses, src_ips)
        SELECT ${id}, ${sqlString(save)}, acc, arraySort(groupUniqArrayArray(fs)), min(f), max(l), sum(n), arraySort(groupUniqArrayArray(ips))
        FROM (
          SELECT acc, ridx, f, l, n, ips, fs FROM (
            SELECT assumeNotNull(account_id) AS acc, ridx, min(t) AS f, max(t) AS l, count() AS n, groupUniqArray(src_ip) AS ips
            FROM ${s.respond.runRequests} WHERE ${mine} AND ridx > 0 GROUP BY acc, ridx) AS x
          ALL INNER JOIN (SELECT ridx, fields AS fs FROM ${s.respond.runRoutes} WHERE ${mine}) AS rt USING (ridx)) AS y
        GROUP BY acc ORDER BY acc`);
    }
  } finally {
    if (staged !== undefined) await s.sql.command(`DROP TABLE IF EXISTS ${staged.table}`);
  }
  const tot = (await s.sql.rows(`SELECT count() AS m, countIf(ridx > 0) AS p, minIf(t, ridx > 0) AS f, maxIf(t, ridx > 0) AS l
    FROM ${s.respond.runRequests} WHERE ${mine}`))[0] ?? {};
  const acc = (await s.sql.rows(`SELECT count() AS a FROM ${s.respond.runAccounts} WHERE ${mine}`))[0] ?? {};
  const personal = Number(tot.p ?? 0);
  // Numbered after every marker of the incident stored so far, whatever this machine's clock says.
  const last = await s.sql.rows(`SELECT max(ver) AS v FROM ${s.respond.runs} WHERE incident_id = ${sqlString(run.incident_id)}`);
  const ver = Math.max(nextVersion(), Number(last[0]?.v ?? 0) + 1);
  // The marker, last: from here on the run exists.
  await insertRows(s.sql, s.respond.runs, [line({
    ...tag, incident_id: run.incident_id, created_at: Math.trunc(run.created_at), inputs: JSON.stringify(run.inputs),
    indicators: run.indicators.length, accounts: Number(acc.a ?? 0), requests: personal, matched: Number(tot.m ?? 0),
    window_from: personal > 0 ? Number(tot.f) : null, window_to: personal > 0 ? Number(tot.l) : null, ver,
  })]);
}
