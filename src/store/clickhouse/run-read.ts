/**
 * Reading saved scope runs in ClickHouse. A run is what its marker in `scope_runs` names: the
 * first marker of a run id (two savers racing on one id would both write one; the earlier
 * wins) and the rows of that attempt only (`save`). A run's number among its incident's runs
 * is its marker's position in version order (a marker is versioned after every earlier one of
 * its incident). Large results stream from the server.
 */
import type { Indicator } from '../../model/index.js';
import type { ScopeAggregates } from '../store.js';
import type { AffectedAccount } from '../store.js';
import type { AccountChange, AccountLines, LineHash, RunDiff, RunRequest, RunSource, RunSourceToken, ScopeRunRow } from '../respond-store.js';
import { sqlString } from './escape.js';
import type { RespondTables } from './respond-schema.js';
import { aggregates } from './scope-sql.js';
import type { ClickHouseSql, Row } from './sql.js';

/** What the readers read through. */
export interface RunReader {
  readonly sql: ClickHouseSql;
  readonly respond: RespondTables;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const strings = (v: unknown): string[] => (v as unknown[]).map(String).sort();

/** The marked attempt of a run, or undefined when the run is not saved. */
export async function saveOf(r: RunReader, runId: string): Promise<string | undefined> {
  const rows = await r.sql.rows(`SELECT argMin(save, ver) AS s, count() AS n FROM ${r.respond.runs} WHERE run_id = ${sqlString(runId)}`);
  return Number(rows[0]?.n ?? 0) > 0 ? String(rows[0]?.s) : undefined;
}

/** The WHERE of one attempt's rows. */
export const rowsOf = (runId: string, save: string): string => `run_id = ${sqlString(runId)} AND save = ${sqlString(save)}`;

/** An incident's runs, oldest first (numbered by marker order). */
export async function incidentRuns(r: RunReader, incidentId: string): Promise<ScopeRunRow[]> {
  const rows = await r.sql.rows(`SELECT id, v, m FROM (
      SELECT run_id AS id, min(ver) AS v,
        argMin(tuple(created_at, inputs, indicators, accounts, requests, matched, window_from, window_to), ver) AS m
      FROM ${r.respond.runs} WHERE incident_id = ${sqlString(incidentId)} GROUP BY run_id) AS first ORDER BY v, id`);
  return rows.map((row, i) => {
    const m = row.m as unknown[];
    return {
      run_id: String(row.id), incident_id: incidentId, n: i + 1, created_at: Number(m[0]),
      inputs: JSON.parse(String(m[1])) as Record<string, unknown>, indicators: Number(m[2]), accounts: Number(m[3]),
      requests: Number(m[4]), matched: Number(m[5]),
      window: m[6] === null || m[7] === null ? null : { from: Number(m[6]), to: Number(m[7]) },
    };
  });
}

/** One run, or undefined. */
export async function getRun(r: RunReader, runId: string): Promise<ScopeRunRow | undefined> {
  const inc = await r.sql.rows(`SELECT argMin(incident_id, ver) AS i, count() AS n FROM ${r.respond.runs} WHERE run_id = ${sqlString(runId)}`);
  if (Number(inc[0]?.n ?? 0) === 0) return undefined;
  return (await incidentRuns(r, String(inc[0]?.i))).find((x) => x.run_id === runId);
}

/** The run's indicators as given. */
export async function runIndicators(r: RunReader, where: string): Promise<Indicator[]> {
  const rows = await r.sql.rows(`SELECT type AS ty, value AS va, first_seen AS f, last_seen AS l FROM ${r.respond.runIndicators}
    WHERE ${where} ORDER BY ty, va, f`);
  return rows.map((x) => ({ type: String(x.ty) as Indicator['type'], value: String(x.va), first_seen: Number(x.f), last_seen: Number(x.l) }));
}

/** The affected accounts of a run (optionally one), sorted by account_id. */
export async function* accounts(r: RunReader, where: string, accountId?: string): AsyncGenerator<AffectedAccount> {
  const one = accountId === undefined ? '' : ` AND account_id = ${sqlString(accountId)}`;
  for await (const x of r.sql.stream(`SELECT account_id AS id, fields AS fs, first_access AS f, last_access AS l, accesses AS n,
      src_ips AS ips FROM ${r.respond.runAccounts} WHERE ${where}${one} ORDER BY id`)) {
    yield { account_id: String(x.id), fields: strings(x.fs), first_access: Number(x.f), last_access: Number(x.l), accesses: Number(x.n), src_ips: strings(x.ips) };
  }
}

/** The run's aggregates (summary.json) from its saved personal-data rows. */
export async function runAggregates(r: RunReader, where: string): Promise<ScopeAggregates> {
  const fields = (await r.sql.rows(`SELECT fields AS fs FROM ${r.respond.runRoutes} WHERE ${where} ORDER BY ridx`)).map((x) => strings(x.fs));
  const table = `(SELECT assumeNotNull(account_id) AS account_id, t, src_ip, country, asn, ridx FROM ${r.respond.runRequests}
    WHERE ${where} AND ridx > 0)`;
  return aggregates(r.sql, { table, fields, empty: fields.length === 0 });
}

const REQUEST_COLUMNS = 'account_id AS acc, t, src_ip AS ip, method AS me, route AS ro, status AS st, file AS fi, line AS li, request_id AS rq, jti AS j, kid AS ki, ridx AS rx';

function requestOf(x: Row): RunRequest {
  const o = { account_id: str(x.acc), request_id: str(x.rq), jti: str(x.j), kid: str(x.ki) };
  return {
    ...(o.account_id !== undefined && { account_id: o.account_id }),
    t: Number(x.t), src_ip: String(x.ip), method: String(x.me), route: String(x.ro), status: Number(x.st), file: String(x.fi), line: Number(x.li),
    ...(o.request_id !== undefined && { request_id: o.request_id }), ...(o.jti !== undefined && { jti: o.jti }),
    ...(o.kid !== undefined && { kid: o.kid }), personal: Number(x.rx) > 0,
  };
}

/** One account's personal-data requests, in time order. */
export async function accountRequests(r: RunReader, where: string, accountId: string): Promise<RunRequest[]> {
  return (await r.sql.rows(`SELECT ${REQUEST_COLUMNS} FROM ${r.respond.runRequests}
    WHERE ${where} AND account_id = ${sqlString(accountId)} AND ridx > 0 ORDER BY t, fi, li`)).map(requestOf);
}

/** Every personal-data request of the run in (file, line) order. */
export async function* requestsByFile(r: RunReader, where: string): AsyncGenerator<RunRequest> {
  for await (const x of r.sql.stream(`SELECT ${REQUEST_COLUMNS} FROM ${r.respond.runRequests} WHERE ${where} AND ridx > 0 ORDER BY fi, li, t`)) {
    yield requestOf(x);
  }
}

/** Each affected account's distinct lines with their stored hashes, grouped here from rows in (account, file, line) order. */
export async function* accountLines(r: RunReader, runId: string, where: string): AsyncGenerator<AccountLines> {
  const sql = `SELECT acc, f, l, h, p, has FROM (
      SELECT DISTINCT assumeNotNull(account_id) AS acc, file AS f, line AS l FROM ${r.respond.runRequests} WHERE ${where} AND ridx > 0) AS q
    ANY LEFT JOIN (SELECT file AS f, line AS l, any(tuple(sha256, problem)) AS hp, tupleElement(hp, 1) AS h, tupleElement(hp, 2) AS p,
      toUInt8(1) AS has FROM ${r.respond.runLines} WHERE run_id = ${sqlString(runId)} GROUP BY f, l) AS hashes USING (f, l)
    ORDER BY acc, f, l`;
  let current: { account_id: string; lines: LineHash[] } | undefined;
  for await (const x of r.sql.stream(sql)) {
    const acc = String(x.acc);
    if (current !== undefined && current.account_id !== acc) yield current;
    if (current === undefined || current.account_id !== acc) current = { account_id: acc, lines: [] };
    const stored = Number(x.has) === 1;
    const problem = stored ? str(x.p) : undefined;
    current.lines.push({ file: String(x.f), line: Number(x.l), sha256: stored ? str(x.h) ?? null : null, ...(problem !== undefined && { problem }) });
  }
  if (current !== undefined) yield current;
}

/** The run's attacker sources, most requests first. */
export async function runSources(r: RunReader, where: string): Promise<RunSource[]> {
  const rows = await r.sql.rows(`SELECT src_ip AS ip, min(t) AS f, max(t) AS l, count() AS n, countIf(ridx > 0) AS pn,
      uniqExactIf(account_id, ridx > 0) AS a, uniqExact(jti) AS tk, groupUniqArray(kid) AS ks, groupUniqArray(client_id) AS cs,
      uniqExact(user_agent) AS ua, min(country) AS c, min(asn) AS s
    FROM ${r.respond.runRequests} WHERE ${where} GROUP BY ip ORDER BY n DESC, ip`);
  return rows.map((x) => ({
    ip: String(x.ip), first: Number(x.f), last: Number(x.l), requests: Number(x.n), personal_requests: Number(x.pn),
    accounts: Number(x.a), tokens: Number(x.tk), kids: strings(x.ks), clients: strings(x.cs), user_agents: Number(x.ua),
    ...(typeof x.c === 'string' && { country: x.c }), ...(typeof x.s === 'string' && { asn: x.s }),
  }));
}

/** The tokens each source used, by source then first use. */
export async function* runSourceTokens(r: RunReader, where: string): AsyncGenerator<RunSourceToken> {
  for await (const x of r.sql.stream(`SELECT src_ip AS ip, assumeNotNull(jti) AS j, min(kid) AS k, min(t) AS f, max(t) AS l, count() AS n
    FROM ${r.respond.runRequests} WHERE ${where} AND isNotNull(jti) GROUP BY ip, j ORDER BY ip, f, j`)) {
    const kid = str(x.k);
    yield { ip: String(x.ip), jti: String(x.j), ...(kid !== undefined && { kid }), first: Number(x.f), last: Number(x.l), requests: Number(x.n) };
  }
}

/**
 * Every account of either run with how it changed (`same` included) and its fields in each
 * (`fa` earlier, `fb` later): the two runs' accounts side by side through one GROUP BY (no
 * outer join: 18.16 fills a missing side's key with a default).
 */
function changesSql(r: RunReader, earlier: string, later: string): string {
  return `SELECT id, multiIf(a = 0, 'added', b = 0, 'removed', NOT hasAll(fa, fb), 'grown', 'same') AS ch, fa, fb
    FROM (
      SELECT account_id AS id, max(side = 1) AS a, max(side = 2) AS b, anyIf(fields, side = 1) AS fa, anyIf(fields, side = 2) AS fb
      FROM (SELECT account_id, fields, 1 AS side FROM ${r.respond.runAccounts} WHERE ${earlier}
        UNION ALL SELECT account_id, fields, 2 AS side FROM ${r.respond.runAccounts} WHERE ${later}) AS ab
      GROUP BY id) AS sides`;
}

/** Counts of the changes from `earlier` to `later` (each a WHERE of a run's rows). */
export async function runDiff(r: RunReader, later: string, earlier: string): Promise<RunDiff> {
  const counts = await r.sql.rows(`SELECT ch, count() AS n FROM (${changesSql(r, earlier, later)}) AS c GROUP BY ch`);
  const by = new Map(counts.map((x) => [String(x.ch), Number(x.n)]));
  // A field is new to an account when the later run has it and the earlier one does not.
  const fields = await r.sql.rows(`SELECT f, count() AS n FROM (
      SELECT account_id, f FROM (
        SELECT account_id, arrayJoin(fields) AS f, 1 AS side FROM ${r.respond.runAccounts} WHERE ${earlier}
        UNION ALL SELECT account_id, arrayJoin(fields) AS f, 2 AS side FROM ${r.respond.runAccounts} WHERE ${later}) AS ab
      GROUP BY account_id, f HAVING max(side = 2) = 1 AND max(side = 1) = 0) AS nfs
    GROUP BY f ORDER BY f`);
  return {
    added: by.get('added') ?? 0, grown: by.get('grown') ?? 0, removed: by.get('removed') ?? 0, unchanged: by.get('same') ?? 0,
    new_fields: Object.fromEntries(fields.map((x) => [String(x.f), Number(x.n)])),
  };
}

/** The changed accounts, sorted by account_id. */
export async function* runChanges(r: RunReader, later: string, earlier: string): AsyncGenerator<AccountChange> {
  for await (const x of r.sql.stream(`SELECT id, ch, fa, fb FROM (${changesSql(r, earlier, later)}) AS c WHERE ch != 'same' ORDER BY id`)) {
    const change = String(x.ch) as AccountChange['change'];
    const before = strings(x.fa);
    const after = strings(x.fb);
    yield {
      account_id: String(x.id), change, fields: change === 'removed' ? before : after,
      new_fields: change === 'removed' ? [] : after.filter((f) => !before.includes(f)),
    };
  }
}
