/**
 * The investigators' export (`report --for police`): every attacker source of a saved run with
 * its first and last event, requests, accounts, the tokens and keys it used, and its ASN and
 * country — the gateway's where it gave them, else looked up offline (the data's date named) —
 * each row tied to its evidence-log entries (the indicator entries of its address and tokens,
 * and the run's own entry). Written as `police.json` and `police.csv`, recorded as a `report`.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from '../../evidence/index.js';
import { BreachwatchError, toRfc3339 } from '../../model/index.js';
import type { ReportRow, RunSourceToken } from '../../store/index.js';
import { nowMs, openIncidentLog, type RespondContext } from '../context.js';
import { incidentPaths } from '../incident/paths.js';
import { writeIncidentSnapshot } from '../incident/snapshot.js';
import { requireRun } from '../run/exposure.js';
import { openGeoLookup } from './geo.js';

/** One attacker source as the export lists it. */
export interface PoliceRow {
  readonly ip: string;
  readonly first_event: string;
  readonly last_event: string;
  readonly requests: number;
  readonly personal_data_requests: number;
  readonly accounts: number;
  readonly tokens: readonly { jti: string; kid?: string; first: string; last: string; requests: number; evidence_entry?: number }[];
  readonly kids: readonly string[];
  readonly clients: readonly string[];
  readonly asn: string | null;
  readonly as_org: string | null;
  readonly country: string | null;
  /** `gateway` when the access log carried it, `offline` when looked up, `none`. */
  readonly geo_source: 'gateway' | 'offline' | 'none';
  /** The evidence entries this row rests on: its address's indicator entry and the run's entry. */
  readonly evidence_entries: readonly number[];
}

const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Writes the police export of incident `incidentId` from run `runId` (default the latest). */
export async function writePoliceExport(ctx: RespondContext, incidentId: string, runId?: string): Promise<{ row: ReportRow; dir: string; sources: number }> {
  const rid = runId ?? (await ctx.store.listScopeRuns(incidentId)).at(-1)?.run_id;
  if (rid === undefined) throw new BreachwatchError('ERR_USAGE', `incident ${incidentId} has no scope run yet: run incident scope ${incidentId} first`);
  const run = await requireRun(ctx, rid);
  const paths = incidentPaths(ctx.home, incidentId);
  const runJson = JSON.parse(await readFile(join(paths.run(rid), 'run.json'), 'utf8')) as { evidence_entry?: number };
  const marks = new Map((await ctx.store.evidenceMarks(incidentId, 'indicator')).map((m) => [m.key, m.entry]));
  const tokens = new Map<string, RunSourceToken[]>();
  for await (const t of ctx.store.runSourceTokens(rid)) tokens.set(t.ip, [...(tokens.get(t.ip) ?? []), t]);
  const geo = await openGeoLookup();
  const rows: PoliceRow[] = (await ctx.store.runSources(rid)).map((s) => {
    const gw = s.asn !== undefined || s.country !== undefined;
    const off = gw ? {} : geo.lookup(s.ip);
    const ipEntry = marks.get(`ip:${s.ip}`);
    return {
      ip: s.ip, first_event: toRfc3339(s.first), last_event: toRfc3339(s.last), requests: s.requests,
      personal_data_requests: s.personal_requests, accounts: s.accounts,
      tokens: (tokens.get(s.ip) ?? []).map((t) => {
        const e = marks.get(`token:${t.jti}`);
        return { jti: t.jti, ...(t.kid !== undefined && { kid: t.kid }), first: toRfc3339(t.first), last: toRfc3339(t.last), requests: t.requests, ...(e !== undefined && { evidence_entry: e }) };
      }),
      kids: s.kids, clients: s.clients, asn: s.asn ?? off.asn ?? null, as_org: off.as_org ?? null, country: s.country ?? off.country ?? null,
      geo_source: gw ? 'gateway' : off.asn !== undefined || off.country !== undefined ? 'offline' : 'none',
      evidence_entries: [...(ipEntry === undefined ? [] : [ipEntry]), ...(runJson.evidence_entry === undefined ? [] : [runJson.evidence_entry])],
    };
  });
  const reportId = `pol-${randomBytes(4).toString('hex')}`;
  const dir = paths.report(reportId);
  await mkdir(dir, { recursive: true });
  const prev = (await ctx.store.listReports(incidentId)).filter((r) => r.audience === 'police').at(-1);
  const n = (prev?.n ?? 0) + 1;
  await writeFile(join(dir, 'police.json'), JSON.stringify({
    v: 1, audience: 'police', incident_id: incidentId, n, run_id: rid, run_n: run.n, created_at: toRfc3339(nowMs(ctx)),
    enrichment: { note: 'asn/country from the gateway where present, else looked up offline', sources: geo.sources }, sources: rows,
  }, null, 2) + '\n');
  const csv = createWriteStream(join(dir, 'police.csv'));
  csv.write('ip,first_event,last_event,requests,personal_data_requests,accounts,tokens,kids,asn,as_org,country,geo_source,evidence_entries\n');
  for (const r of rows) {
    csv.write([r.ip, r.first_event, r.last_event, String(r.requests), String(r.personal_data_requests), String(r.accounts), r.tokens.map((t) => t.jti).join(';'),
      r.kids.join(';'), r.asn ?? '', r.as_org ?? '', r.country ?? '', r.geo_source, r.evidence_entries.join(';')].map(cell).join(',') + '\n');
  }
  csv.end();
  await once(csv, 'finish');
  const files = (await Promise.all(['police.json', 'police.csv'].map((f) => hashFile(join(dir, f))))).map((h) => ({ path: h.path.slice(dir.length + 1), sha256: h.sha256, bytes: h.bytes }));
  const log = await openIncidentLog(ctx, paths, incidentId);
  let entry: number;
  try {
    entry = (await log.append({ kind: 'report', payload: { incident_id: incidentId, report_id: reportId, audience: 'police', n, run_id: rid, sources: rows.length, files } })).index;
    await log.checkpoint();
  } finally {
    await log.close();
  }
  const row: ReportRow = { report_id: reportId, incident_id: incidentId, n, audience: 'police', run_id: rid, created_at: nowMs(ctx), entry, files };
  await ctx.store.putReport(row);
  await writeIncidentSnapshot(ctx, incidentId);
  return { row, dir, sources: rows.length };
}
