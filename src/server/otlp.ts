/**
 * `POST /v1/logs`: OTLP/HTTP logs in the JSON encoding (ExportLogsServiceRequest). Records map
 * to access events as documented in `otlp-map.ts`, then follow the NDJSON ingest path (same
 * parser, quarantine, group commit, 429 with Retry-After — which OTLP exporters honour).
 * The answer is OTLP's ExportLogsServiceResponse (`partialSuccess`) plus breachwatch's counts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BreachwatchError } from '../model/index.js';
import { parseItems } from '../live/index.js';
import { guard } from './auth.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';
import { checkCapacity, commitParsed, refuseBad } from './ingest-routes.js';
import { otlpToLines, type OtlpLogsRequest } from './otlp-map.js';

const SOURCE = 'otlp';

/** Registers the OTLP logs receiver. */
export function registerOtlp(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/logs', {
    config: { role: 'ingest' },
    onRequest: guard(() => checkCapacity(ctx)),
  }, async (req: FastifyRequest) => {
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('protobuf')) throw new HttpError('ERR_BAD_REQUEST', 'only the OTLP JSON encoding is supported (Content-Type: application/json)');
    const body = req.body;
    if (!Buffer.isBuffer(body)) throw new HttpError('ERR_BAD_REQUEST', 'expected a JSON body');
    let parsed: OtlpLogsRequest;
    try {
      parsed = JSON.parse(body.toString('utf8')) as OtlpLogsRequest;
    } catch {
      throw new BreachwatchError('ERR_INPUT_INVALID', 'the body is not JSON (OTLP/HTTP JSON encoding expected)');
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.resourceLogs)) {
      throw new BreachwatchError('ERR_INPUT_INVALID', 'not an OTLP logs request (resourceLogs missing)');
    }
    const items = otlpToLines(parsed);
    const ignored = items.filter((l) => l === undefined).length;
    // Non-access records are blank items: line numbers stay record positions.
    const p = await parseItems(items, { kind: 'access', file: `${SOURCE}:${req.id}`, source: SOURCE, feed: `${SOURCE}@${req.ip}` }, ctx.parse);
    await ctx.settler.settle();
    refuseBad(ctx, SOURCE, p);
    const answer = await commitParsed(ctx, SOURCE, p, body.length);
    return {
      partialSuccess: answer.quarantined > 0
        ? { rejectedLogRecords: answer.quarantined, errorMessage: `${answer.quarantined} record(s) quarantined: ${Object.keys(answer.reasons).join(', ')}` }
        : {},
      ...answer,
      ignored,
    };
  });
}
