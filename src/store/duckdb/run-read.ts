/**
 * Reading saved scope runs in DuckDB: their rows, accounts, aggregates, sources, line hashes
 * and the differences between two runs. Large results stream chunk by chunk on a connection
 * of their own (the caller's `stream`), so tens of millions of rows never sit in JavaScript.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Indicator } from '../../model/index.js';
import type { ScopeAggregates } from '../store.js';
import type { AccountChange, AccountLines, RunDiff, RunRequest, RunSource, RunSourceToken, ScopeRunRow } from '../respond-store.js';
import { sqlString } from './json-stage.js';
import { aggregates } from './scope-sql.js';

type Row = readonly unknown[];

/** Runs a query on its own connection and yields its rows. */
export type RowStream = (sql: string, params: readonly string[]) => AsyncGenerator<Row>;

const SEP = '\u001f';
const list = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(SEP) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const RUN_COLUMNS = `run_id, incident_id, n, epoch_ms(created_at)::DOUBLE, inputs::VARCHAR, indicators::DOUBLE,
  accounts::DOUBLE, requests::DOUBLE, matched::DOUBLE, epoch_ms(window_from)::DOUBLE, epoch_ms(window_to)::DOUBLE`;

function runOf(r: Row): ScopeRunRow {
  return {
    run_id: String(r[0]), incident_id: String(r[1]), n: Number(r[2]), created_at: Number(r[3]),
    inputs: JSON.parse(String(r[4])) as Record<string, unknown>, indicators: Number(r[5]), accounts: Number(r[6]),
    requests: Number(r[7]), matched: Number(r[8]),
    window: r[9] === null || r[10] === null ? null : { from: Number(r[9]), to: Number(r[10]) },
  };
}

/** Runs matching `where` (bound to `params`), oldest first. */
export async function runs(conn: DuckDBConnection, where: string, params: string[]): Promise<ScopeRunRow[]> {
  return (await conn.runAndReadAll(`SELECT ${RUN_COLUMNS} FROM scope_runs WHERE ${where} ORDER BY n, created_at`, params)).getRows().map(runOf);
}

/** The run's indicators as given. */
export async function runIndicators(conn: DuckDBConnection, runId: string): Promise<Indicator[]> {
  const rows = (await conn.runAndReadAll(`SELECT type, value, epoch_ms(first_seen)::DOUBLE, epoch_ms(last_seen)::DOUBLE
    FROM scope_run_indicators WHERE run_id = $1 ORDER BY type, value, first_seen`, [runId])).getRows();
  return rows.map((r) => ({ type: String(r[0]) as Indicator['type'], value: String(r[1]), first_seen: Number(r[2]), last_seen: Number(r[3]) }));
}

/** The affected-accounts query of a run (shape of `affectedSql`; optionally one account). */
export function accountsSql(runId: string, accountId?: string): string {
  return `SELECT account_id, epoch_ms(first_access)::DOUBLE, epoch_ms(last_access)::DOUBLE, accesses::DOUBLE,
    array_to_string(fields, chr(31)), array_to_string(src_ips, chr(31)) FROM scope_run_accounts
    WHERE run_id = ${sqlString(runId)}${accountId === undefined ? '' : ` AND account_id = ${sqlString(accountId)}`} ORDER BY account_id`;
}

/** The run's aggregates (summary.json) from its saved personal-data rows. */
export async function runAggregates(conn: DuckDBConnection, runId: string): Promise<ScopeAggregates> {
  const fields = (await conn.runAndReadAll(`SELECT array_to_string(fields, chr(31)) FROM scope_run_routes
    WHERE run_id = $1 ORDER BY ridx`, [runId])).getRows().map((r) => list(r[0]));
  const table = `(SELECT account_id, t, src_ip, country, asn, ridx FROM scope_run_requests
    WHERE run_id = ${sqlString(runId)} AND ridx IS NOT NULL)`;
  return aggregates(conn, { table, fields, empty: fields.length === 0 });
}

const REQUEST_COLUMNS = `account_id, epoch_ms(t)::DOUBLE, src_ip, method, route, status, file, line::DOUBLE, request_id, jti, kid, ridx`;

/** A request row (REQUEST_COLUMNS order). */
export function requestOf(r: Row): RunRequest {
  const o = { account_id: str(r[0]), request_id: str(r[8]), jti: str(r[9]), kid: str(r[10]) };
  return {
    ...(o.account_id !== undefined && { account_id: o.account_id }),
    t: Number(r[1]), src_ip: String(r[2]), method: String(r[3]), route: String(r[4]), status: Number(r[5]),
    file: String(r[6]), line: Number(r[7]),
    ...(o.request_id !== undefined && { request_id: o.request_id }), ...(o.jti !== undefined && { jti: o.jti }),
    ...(o.kid !== undefined && { kid: o.kid }), personal: r[11] !== null,
  };
}

/** One account's personal-data requests, in time order. */
export async function accountRequests(conn: DuckDBConnection, runId: string, accountId: string): Promise<RunRequest[]> {
  return (await conn.runAndReadAll(`SELECT ${REQUEST_COLUMNS} FROM scope_run_requests
    WHERE run_id = $1 AND account_id = $2 AND ridx IS NOT NULL ORDER BY t, file, line`, [runId, accountId])).getRows().map(requestOf);
}

/** Every personal-data request of the run in (file, line) order. */
export function requestsByFileSql(): string {
  return `SELECT ${REQUEST_COLUMNS} FROM scope_run_requests WHERE run_id = $1 AND ridx IS NOT NULL ORDER BY file, line`;
}

/** Each affected account's lines with their stored hashes; one row per account. */
export async function* runAccountLines(stream: RowStream, runId: string): AsyncGenerator<AccountLines> {
  const sql = `SELECT r.account_id, to_json(list(DISTINCT {file: r.file, line: r.line, sha256: h.sha256, problem: h.problem}
      ORDER BY {file: r.file, line: r.line, sha256: h.sha256, problem: h.problem}))::VARCHAR
    FROM (SELECT account_id, file, line FROM scope_run_requests WHERE run_id = $1 AND ridx IS NOT NULL) r
    LEFT JOIN (SELECT DISTINCT ON (file, line) file, line, sha256, problem FROM scope_run_lines WHERE run_id = $1) h
      ON h.file = r.file AND h.line = r.line
    GROUP BY r.account_id ORDER BY r.account_id`;
  for await (const r of stream(sql, [runId])) {
    const lines = (JSON.parse(String(r[1])) as { file: string; line: number; sha256: string | null; problem: string | null }[])
      .map((l) => ({ file: l.file, line: l.line, sha256: l.sha256, ...(l.problem !== null && { problem: l.problem }) }));
    yield { account_id: String(r[0]), lines };
  }
}

/** The run's attacker sources, most requests first. */
export async function runSources(conn: DuckDBConnection, runId: string): Promise<RunSource[]> {
  const rows = (await conn.runAndReadAll(`SELECT src_ip, epoch_ms(min(t))::DOUBLE, epoch_ms(max(t))::DOUBLE, count(*)::DOUBLE,
      (count(*) FILTER (WHERE ridx IS NOT NULL))::DOUBLE, (count(DISTINCT account_id) FILTER (WHERE ridx IS NOT NULL))::DOUBLE,
      count(DISTINCT jti)::DOUBLE, array_to_string(list_sort(list(DISTINCT kid) FILTER (WHERE kid IS NOT NULL)), chr(31)),
      array_to_string(list_sort(list(DISTINCT client_id) FILTER (WHERE client_id IS NOT NULL)), chr(31)),
      count(DISTINCT user_agent)::DOUBLE, min(country), min(asn)
    FROM scope_run_requests WHERE run_id = $1 GROUP BY src_ip ORDER BY count(*) DESC, src_ip`, [runId])).getRows();
  return rows.map((r) => ({
    ip: String(r[0]), first: Number(r[1]), last: Number(r[2]), requests: Number(r[3]), personal_requests: Number(r[4]),
    accounts: Number(r[5]), tokens: Number(r[6]), kids: list(r[7]), clients: list(r[8]), user_agents: Number(r[9]),
    ...(r[10] !== null && { country: String(r[10]) }), ...(r[11] !== null && { asn: String(r[11]) }),
  }));
}

/** The tokens each source used. */
export async function* runSourceTokens(stream: RowStream, runId: string): AsyncGenerator<RunSourceToken> {
  const sql = `SELECT src_ip, jti, min(kid), epoch_ms(min(t))::DOUBLE, epoch_ms(max(t))::DOUBLE, count(*)::DOUBLE
    FROM scope_run_requests WHERE run_id = $1 AND jti IS NOT NULL GROUP BY src_ip, jti ORDER BY src_ip, min(t), jti`;
  for await (const r of stream(sql, [runId])) {
    const kid = str(r[2]);
    yield { ip: String(r[0]), jti: String(r[1]), ...(kid !== undefined && { kid }), first: Number(r[3]), last: Number(r[4]), requests: Number(r[5]) };
  }
}

/** Every account of either run with how it changed (`same` included), earlier = $1, later = $2. */
const CHANGES_SQL = `SELECT coalesce(b.account_id, a.account_id) AS account_id,
    CASE WHEN a.account_id IS NULL THEN 'added' WHEN b.account_id IS NULL THEN 'removed'
      WHEN NOT list_has_all(a.fields, b.fields) THEN 'grown' ELSE 'same' END AS change,
    coalesce(b.fields, a.fields) AS fields,
    CASE WHEN b.account_id IS NULL THEN []::VARCHAR[] WHEN a.account_id IS NULL THEN b.fields
      ELSE list_filter(b.fields, f -> NOT list_contains(a.fields, f)) END AS new_fields
  FROM (SELECT account_id, fields FROM scope_run_accounts WHERE run_id = $1) a
  FULL OUTER JOIN (SELECT account_id, fields FROM scope_run_accounts WHERE run_id = $2) b ON a.account_id = b.account_id`;

/** Counts of the changes from `earlier` to `later`. */
export async function runDiff(conn: DuckDBConnection, later: string, earlier: string): Promise<RunDiff> {
  const counts = (await conn.runAndReadAll(`SELECT change, count(*)::DOUBLE FROM (${CHANGES_SQL}) GROUP BY change`, [earlier, later])).getRows();
  const by = new Map(counts.map((r) => [String(r[0]), Number(r[1])]));
  const fields = (await conn.runAndReadAll(`SELECT f, count(*)::DOUBLE FROM (SELECT unnest(new_fields) AS f FROM (${CHANGES_SQL}))
    GROUP BY f ORDER BY f`, [earlier, later])).getRows();
  return {
    added: by.get('added') ?? 0, grown: by.get('grown') ?? 0, removed: by.get('removed') ?? 0, unchanged: by.get('same') ?? 0,
    new_fields: Object.fromEntries(fields.map((r) => [String(r[0]), Number(r[1])])),
  };
}

/** The changed accounts, sorted by account_id. */
export async function* runChanges(stream: RowStream, later: string, earlier: string): AsyncGenerator<AccountChange> {
  const sql = `SELECT account_id, change, array_to_string(fields, chr(31)), array_to_string(new_fields, chr(31))
    FROM (${CHANGES_SQL}) WHERE change <> 'same' ORDER BY account_id`;
  for await (const r of stream(sql, [earlier, later])) {
    yield { account_id: String(r[0]), change: String(r[1]) as AccountChange['change'], fields: list(r[2]), new_fields: list(r[3]) };
  }
}
