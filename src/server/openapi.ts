/**
 * The OpenAPI 3.1 document served at `/openapi.json` (kept by hand next to the routes; the
 * server test checks that every registered route appears here).
 */
import { SEVERITIES } from '../model/index.js';

const err = { $ref: '#/components/responses/Error' };
const json = (schema: object): object => ({ content: { 'application/json': { schema } } });
const obj = (properties: Record<string, object>, required: string[] = []): object => ({ type: 'object', properties, required });
const ingestAnswer = obj({
  accepted: { type: 'integer' }, duplicates: { type: 'integer' }, quarantined: { type: 'integer' },
  reasons: { type: 'object', additionalProperties: { type: 'integer' } },
  errors: { type: 'array', items: obj({ line: { type: 'integer' }, reason: { type: 'string' }, message: { type: 'string' } }) },
}, ['accepted', 'duplicates', 'quarantined', 'reasons', 'errors']);
const ingestOp = (summary: string, role: string): object => ({
  summary, security: [{ apiKey: [role] }],
  requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
  responses: { 200: { description: 'committed', ...json(ingestAnswer) }, 400: err, 401: err, 403: err, 413: err, 429: err, 503: err },
});
const alert = { $ref: '#/components/schemas/Alert' };
const analyst = [{ apiKey: ['analyst'] }];
const admin = [{ apiKey: ['admin'] }];
const incidentId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const incident = { $ref: '#/components/schemas/Incident' };
const notices = obj({
  ledger: { type: 'object', additionalProperties: { type: 'integer' }, description: 'queued, sending, sent, retry, failed, in_doubt' },
  total: { type: 'integer' }, sent: { type: 'integer' }, pending: { type: 'integer' },
}, ['ledger', 'total', 'sent', 'pending']);
const incidentParam = { name: 'incident', in: 'path', required: true, schema: { type: 'string' } };
const actionParam = { name: 'action', in: 'path', required: true, schema: { type: 'string' } };

/** The document. */
export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'breachwatch serve', version: '1', description: 'Live ingest, detection and analyst API of breachwatch (docs/API.md).' },
  components: {
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key; roles ingest, analyst, admin' } },
    responses: { Error: { description: 'error', ...json(obj({ code: { type: 'string' }, message: { type: 'string' } }, ['code', 'message'])) } },
    schemas: {
      Alert: obj({
        alert_id: { type: 'string' }, detector: { type: 'string' }, severity: { enum: [...SEVERITIES] },
        title: { type: 'string' }, entity: obj({ type: { type: 'string' }, id: { type: 'string' } }),
        first_seen: { type: 'string', format: 'date-time' }, last_seen: { type: 'string', format: 'date-time' },
        detected_at: { type: 'string', format: 'date-time' }, events: { type: 'integer' }, accounts: { type: 'integer' },
        evidence: { type: 'array', items: { type: 'string' } }, details: { type: 'object' },
      }, ['alert_id', 'detector', 'severity', 'title', 'entity', 'first_seen', 'last_seen', 'detected_at', 'events', 'accounts']),
      Incident: obj({
        incident_id: { type: 'string' }, name: { type: 'string' }, status: { enum: ['open', 'closed'] },
        aware_at: { type: 'string', format: 'date-time' }, alert_ids: { type: 'array', items: { type: 'string' } },
        details: { type: 'object' }, runs: { type: 'array', items: { type: 'object' } }, latest_run: { type: ['string', 'null'] },
        holds: { type: 'array', items: { type: 'object' } }, reports: { type: 'array', items: { type: 'object' } },
        clocks: { type: 'array', items: obj({ id: { type: 'string' }, label: { type: 'object' }, state: { enum: ['running', 'overdue', 'met', 'late', 'not_required', 'no_deadline'] }, due_at: { type: ['string', 'null'] }, remaining_ms: { type: 'integer' }, done_at: { type: 'string' } }) },
        evidence: { type: ['object', 'null'] },
      }, ['incident_id', 'name', 'status', 'aware_at', 'clocks']),
    },
  },
  paths: {
    '/v1/events/access': { post: ingestOp('Ingest access events (NDJSON, gzip accepted)', 'ingest') },
    '/v1/events/ledger': { post: ingestOp('Ingest issuance-ledger records (NDJSON, gzip accepted)', 'ingest') },
    '/v1/logs': { post: { summary: 'OTLP/HTTP JSON logs (mapping: src/server/otlp-map.ts)', security: [{ apiKey: ['ingest'] }], requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } }, responses: { 200: { description: 'ExportLogsServiceResponse plus counts', ...json({ type: 'object' }) }, 400: err, 401: err, 413: err, 429: err } } },
    '/api/v1/alerts': { get: {
      summary: 'List alerts, most severe first (or newest detected_at first); audit-logged', security: analyst,
      parameters: [
        { name: 'severity', in: 'query', schema: { enum: [...SEVERITIES] }, description: 'minimum severity' },
        { name: 'only', in: 'query', schema: { enum: [...SEVERITIES] }, description: 'exactly this severity' },
        { name: 'sort', in: 'query', schema: { enum: ['severity', 'newest'], default: 'severity' } },
        { name: 'detector', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', default: 50, maximum: 1000 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', default: 0 } },
      ],
      responses: { 200: { description: 'alerts', ...json(obj({ items: { type: 'array', items: alert }, total: { type: 'integer' } })) }, 400: err, 401: err, 403: err },
    } },
    '/api/v1/alerts/{id}': { get: {
      summary: 'One alert with timeline, sources, tokens and keys (audit-logged)', security: analyst,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'alert detail', ...json(obj({ alert, timeline: { type: 'array' }, bucket: { enum: ['hour', 'day'] }, sources: { type: 'array' }, tokens: { type: 'object' }, keys: { type: 'array' } })) }, 401: err, 403: err, 404: err },
    } },
    '/api/v1/requests/{id}': { get: {
      summary: 'The stored requests with this request_id (what an evidence id opens; audit-logged)', security: analyst,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 1000 } }],
      responses: { 200: { description: 'requests', ...json(obj({ request_id: { type: 'string' }, requests: { type: 'array', items: { type: 'object' } } })) }, 400: err, 401: err, 403: err, 404: err },
    } },
    '/api/v1/audit/key-custody': { get: { summary: 'Key-custody audit of the key registry', security: analyst, responses: { 200: { description: 'keys', ...json({ type: 'object' }) }, 401: err, 403: err } } },
    '/api/v1/scope': { post: {
      summary: 'Start a scope job', security: analyst,
      requestBody: { content: { 'application/json': { schema: obj({ min_severity: { enum: [...SEVERITIES] }, alert_ids: { type: 'array', items: { type: 'string' } } }) } } },
      responses: { 202: { description: 'started', ...json(obj({ job_id: { type: 'string' } }, ['job_id'])) }, 400: err, 401: err, 403: err },
    } },
    '/api/v1/scope/{job}': { get: { summary: 'Scope job status and summary', security: analyst, parameters: [{ name: 'job', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'job', ...json({ type: 'object' }) }, 404: err } } },
    '/api/v1/scope/{job}/affected_accounts.csv': { get: { summary: 'Affected accounts (audit-logged)', security: analyst, parameters: [{ name: 'job', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, 404: err } } },
    '/api/v1/incidents': { get: { summary: 'Incidents with their legal clocks, runs, holds and reports (audit-logged)', security: analyst, responses: { 200: { description: 'incidents', ...json(obj({ items: { type: 'array', items: incident }, total: { type: 'integer' } })) }, 401: err, 403: err, 503: err } } },
    '/api/v1/incidents/{id}': { get: {
      summary: 'One incident: clocks (due, remaining or overdue), counts of the latest run (persons, fields), notice delivery progress (audit-logged)', security: analyst, parameters: [incidentId],
      responses: { 200: { description: 'incident', ...json(obj({ incident, counts: obj({ run_id: { type: ['string', 'null'] }, persons: { type: 'integer' }, requests: { type: 'integer' }, fields: { type: 'object', additionalProperties: { type: 'integer' } }, window: { type: ['object', 'null'] } }), notices: { oneOf: [notices, { type: 'null' }] } }, ['incident', 'counts', 'notices'])) }, 401: err, 403: err, 404: err, 503: err },
    } },
    '/api/v1/incidents/{id}/runs': { get: { summary: 'Saved scope runs of an incident', security: analyst, parameters: [incidentId], responses: { 200: { description: 'runs', ...json(obj({ items: { type: 'array', items: { type: 'object' } }, latest_run: { type: ['string', 'null'] } })) }, 401: err, 403: err, 404: err } } },
    '/api/v1/incidents/{id}/runs/{run}': { get: {
      summary: 'One saved run: its row, summary (by field, by day, sources) and changes since the previous run', security: analyst,
      parameters: [incidentId, { name: 'run', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'run', ...json(obj({ run: { type: 'object' }, summary: { type: 'object' }, changes: { type: ['object', 'null'] }, evidence_entry: { type: ['integer', 'null'] } })) }, 401: err, 403: err, 404: err },
    } },
    '/api/v1/incidents/{id}/notices': { get: { summary: 'Notice delivery progress from the delivery ledger', security: analyst, parameters: [incidentId], responses: { 200: { description: 'counts', ...json(notices) }, 401: err, 403: err, 404: err, 503: err } } },
    '/api/v1/incidents/{id}/reports': {
      get: { summary: 'Reports of an incident, oldest first', security: analyst, parameters: [incidentId], responses: { 200: { description: 'reports', ...json(obj({ items: { type: 'array', items: { type: 'object' } } })) }, 401: err, 403: err, 404: err } },
      post: {
        summary: 'Write the next regulator report (JSON, HTML, PDF) from a saved run; recorded in the evidence log', security: admin, parameters: [incidentId],
        requestBody: { content: { 'application/json': { schema: obj({ run_id: { type: 'string' }, pdf: { type: 'boolean', default: true } }) } } },
        responses: { 201: { description: 'written', ...json(obj({ report_id: { type: 'string' }, n: { type: 'integer' }, kind: { type: 'string' }, run_id: { type: 'string' }, entry: { type: 'integer' }, files: { type: 'array', items: obj({ name: { type: 'string' }, sha256: { type: 'string' }, bytes: { type: 'integer' } }) } })) }, 400: err, 401: err, 403: err, 404: err, 429: err },
      },
    },
    '/api/v1/incidents/{id}/reports/{report}/{file}': { get: {
      summary: 'Download report.json, report.html or report.pdf (audit-logged, recorded in the evidence log)', security: analyst,
      parameters: [incidentId, { name: 'report', in: 'path', required: true, schema: { type: 'string' } }, { name: 'file', in: 'path', required: true, schema: { enum: ['report.json', 'report.html', 'report.pdf'] } }],
      responses: { 200: { description: 'the file', content: { 'application/json': {}, 'text/html': {}, 'application/pdf': {} } }, 401: err, 403: err, 404: err, 429: err },
    } },
    '/api/v1/incidents/{id}/evidence/bundles': { post: {
      summary: 'Export an evidence bundle of the incident\'s log (after recording the export and signing a checkpoint)', security: admin, parameters: [incidentId],
      requestBody: { content: { 'application/json': { schema: obj({ kinds: { type: 'array', items: { type: 'string' } }, from: { type: 'integer' }, to: { type: 'integer' } }) } } },
      responses: { 201: { description: 'exported', ...json(obj({ bundle_id: { type: 'string' }, entries: { type: 'integer' }, tree_size: { type: 'integer' }, root: { type: 'string' }, kid: { type: 'string' }, earlier_checkpoints: { type: 'integer' }, entry: { type: 'integer' } })) }, 400: err, 401: err, 403: err, 404: err, 429: err },
    } },
    '/api/v1/incidents/{id}/evidence/bundles/{bundle}': { get: {
      summary: 'Download a bundle as a tar of its folder (`{bundle}` or `{bundle}.tar`; check it with breachwatch evidence verify)', security: analyst,
      parameters: [incidentId, { name: 'bundle', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'tar', content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } } }, 401: err, 403: err, 404: err, 429: err },
    } },
    '/api/v1/whoami': { get: { summary: 'The name and role of the presented API key', security: analyst, responses: { 200: { description: '{name, role}', ...json(obj({ name: { type: 'string' }, role: { enum: ['ingest', 'analyst', 'admin'] } }, ['name', 'role'])) }, 401: err, 403: err } } },
    '/api/v1/contain/jwks.json': { get: { summary: 'JWKS of the Security Event Token transmitter (public)', responses: { 200: { description: 'JWKS', ...json({ type: 'object' }) }, 404: err } } },
    '/api/v1/incidents/{incident}/containment': {
      post: { summary: 'Propose a containment action (rotate-key, block-sources, revoke-sessions) with its exact effect', security: admin, parameters: [incidentParam],
        requestBody: { content: { 'application/json': { schema: obj({ action: { enum: ['rotate-key', 'block-sources', 'revoke-sessions'] }, dry_run: { type: 'boolean' } }, ['action']) } } },
        responses: { 200: { description: 'dry run', ...json({ type: 'object' }) }, 201: { description: 'proposed', ...json({ type: 'object' }) }, 400: err, 401: err, 403: err, 404: err } },
      get: { summary: 'The incident\'s containment actions', security: analyst, parameters: [incidentParam], responses: { 200: { description: 'actions', ...json({ type: 'object' }) }, 404: err } },
    },
    '/api/v1/incidents/{incident}/containment/{action}': { get: { summary: 'One containment action', security: analyst, parameters: [incidentParam, actionParam], responses: { 200: { description: 'action', ...json({ type: 'object' }) }, 404: err } } },
    '/api/v1/incidents/{incident}/containment/{action}/approve': { post: { summary: 'Approve (a second admin; the proposer cannot)', security: admin, parameters: [incidentParam, actionParam],
      responses: { 200: { description: 'approved', ...json({ type: 'object' }) }, 400: err, 401: err, 403: err, 404: err, 409: err } } },
    '/api/v1/incidents/{incident}/containment/{action}/execute': { post: { summary: 'Execute an approved action once', security: admin, parameters: [incidentParam, actionParam],
      responses: { 200: { description: 'executed or failed', ...json({ type: 'object' }) }, 400: err, 401: err, 403: err, 404: err, 409: err } } },
    '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'ok' } } } },
    '/readyz': { get: { summary: 'Readiness (store and engine up)', responses: { 200: { description: 'ready' }, 503: err } } },
    '/metrics': { get: { summary: 'Prometheus metrics', security: analyst, responses: { 200: { description: 'text exposition format' } } } },
    '/openapi.json': { get: { summary: 'This document', security: analyst, responses: { 200: { description: 'OpenAPI 3.1' } } } },
  },
} as const;
