/**
 * The dashboard's HTTP client: every call carries `Authorization: Bearer <key>` from the
 * session and turns a non-2xx answer into an {@link ApiError} with the server's
 * `{code, message}`. The key is never put in a URL or logged.
 */
import { apiKey } from './session.js';
import type { ActionStatus, AlertDetail, AlertList, IncidentDetail, IncidentList, IncidentReport, KeyCustody, ProposeBody, RequestLookup, ScopeJob, Severity, WhoAmI } from './api-types.js';

/** A failed API call: HTTP status plus the server's error code and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || 'request failed';
  try {
    const body = (await res.json()) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(res.status, code, message);
}

/** Fetches `path` (absolute, on the server that serves the dashboard) with the analyst's key. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const key = apiKey();
  if (key === null) throw new ApiError(401, 'ERR_NO_KEY', 'Enter an API key to continue.');
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${key}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'ERR_NETWORK', 'The breachwatch server cannot be reached.');
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await request(path, init);
  return (await res.json()) as T;
}

/** `GET /api/v1/alerts`, most severe first unless `sort` is `newest`; `severity` is the minimum severity. */
export function listAlerts(q: { severity?: Severity | undefined; sort?: 'severity' | 'newest'; limit?: number }): Promise<AlertList> {
  const p = new URLSearchParams({ limit: String(q.limit ?? 100), sort: q.sort ?? 'severity' });
  if (q.severity) p.set('severity', q.severity);
  return json(`/api/v1/alerts?${p.toString()}`);
}

/** `GET /api/v1/requests/:id`: the stored requests an evidence id names. */
export function getRequests(id: string): Promise<RequestLookup> {
  return json(`/api/v1/requests/${encodeURIComponent(id)}`);
}

/** `GET /api/v1/alerts/:id` with timeline, sources, tokens and keys. */
export function getAlert(id: string): Promise<AlertDetail> {
  return json(`/api/v1/alerts/${encodeURIComponent(id)}`);
}

/** `GET /api/v1/audit/key-custody`. */
export function keyCustody(): Promise<KeyCustody> {
  return json('/api/v1/audit/key-custody');
}

/** `POST /api/v1/scope`: starts a scope job, answers its id. */
export function startScope(body: { min_severity?: Severity; alert_ids?: string[] }): Promise<{ job_id: string }> {
  return json('/api/v1/scope', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** `GET /api/v1/scope/:job`. */
export function scopeJob(job: string): Promise<ScopeJob> {
  return json(`/api/v1/scope/${encodeURIComponent(job)}`);
}

/** `GET /api/v1/scope/:job/affected_accounts.csv` as a Blob (needs the key, so no plain link). */
export async function affectedAccountsCsv(job: string): Promise<Blob> {
  const res = await request(`/api/v1/scope/${encodeURIComponent(job)}/affected_accounts.csv`);
  return res.blob();
}

const inc = (id: string): string => `/api/v1/incidents/${encodeURIComponent(id)}`;

/** `GET /api/v1/incidents`. */
export function listIncidents(): Promise<IncidentList> {
  return json('/api/v1/incidents');
}

/** `GET /api/v1/incidents/:id`: clocks, counts and notice delivery progress. */
export function getIncident(id: string): Promise<IncidentDetail> {
  return json(inc(id));
}

/** `GET /api/v1/incidents/:id/reports`. */
export function incidentReports(id: string): Promise<{ items: IncidentReport[] }> {
  return json(`${inc(id)}/reports`);
}

/** A report file (`report.json`, `report.html`, `report.pdf`) as a Blob. */
export async function reportFile(id: string, report: string, file: string): Promise<Blob> {
  return (await request(`${inc(id)}/reports/${encodeURIComponent(report)}/${encodeURIComponent(file)}`)).blob();
}

/** `POST /api/v1/incidents/:id/evidence/bundles` (admin), then the bundle as a tar Blob. */
export async function exportEvidence(id: string): Promise<{ bundle_id: string; entries: number; blob: Blob }> {
  const r = await json<{ bundle_id: string; entries: number }>(`${inc(id)}/evidence/bundles`, { method: 'POST' });
  const blob = await (await request(`${inc(id)}/evidence/bundles/${encodeURIComponent(r.bundle_id)}.tar`)).blob();
  return { ...r, blob };
}

/** `GET /api/v1/whoami`: the signed-in key's name and role. */
export function whoami(): Promise<WhoAmI> {
  return json('/api/v1/whoami');
}

const postJson = (body: object): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** `GET /api/v1/incidents/:id/containment`: the incident's containment actions. */
export function listContainment(id: string): Promise<{ actions: ActionStatus[] }> {
  return json(`${inc(id)}/containment`);
}

/** `POST /api/v1/incidents/:id/containment` (admin): proposes an action, or with `dry_run` only shows its effect. */
export function proposeContainment(id: string, body: ProposeBody): Promise<ActionStatus> {
  return json(`${inc(id)}/containment`, postJson(body));
}

/** `POST …/containment/:action/approve` (a second admin), bound to the proposal's hash the approver saw. */
export function approveContainment(id: string, action: string, proposalSha256: string): Promise<ActionStatus> {
  return json(`${inc(id)}/containment/${encodeURIComponent(action)}/approve`, postJson({ proposal_sha256: proposalSha256 }));
}

/** `POST …/containment/:action/execute` (admin, once approved). */
export function executeContainment(id: string, action: string): Promise<ActionStatus> {
  return json(`${inc(id)}/containment/${encodeURIComponent(action)}/execute`, postJson({}));
}
