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
    '/api/v1/contain/jwks.json': { get: { summary: 'JWKS of the Security Event Token transmitter (public)', responses: { 200: { description: 'JWKS', ...json({ type: 'object' }) }, 404: err } } },
    '/api/v1/incidents/{incident}/containment': {
      post: { summary: 'Propose a containment action (rotate-key, block-sources, revoke-sessions) with its exact effect', security: admin, parameters: [incidentParam],
        requestBody: { content: { 'application/json': { schema: obj({ action: { enum: ['rotate-key', 'block-sources', 'revoke-sessions'] }, dry_run: { type: 'boolean' } }, ['action']) } } },
        responses: { 200: { description: 'dry run', ...json({ type: 'object' }) }, 201: { description: 'proposed', ...json({ type: 'object' }) }, 400: err, 401: err, 403: err, 404: err } },
      get: { summary: 'The incident\'s containment actions', security: admin, parameters: [incidentParam], responses: { 200: { description: 'actions', ...json({ type: 'object' }) }, 404: err } },
    },
    '/api/v1/incidents/{incident}/containment/{action}': { get: { summary: 'One containment action', security: admin, parameters: [incidentParam, actionParam], responses: { 200: { description: 'action', ...json({ type: 'object' }) }, 404: err } } },
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
