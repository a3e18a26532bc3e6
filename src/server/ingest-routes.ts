/**
 * Ingest endpoints: `POST /v1/events/access` and `POST /v1/events/ledger` take NDJSON
 * (gzip when `Content-Encoding: gzip`). Each line is parsed by the same parsers as `hunt`;
 * bad lines are quarantined and counted. The answer comes only after the accepted events are
 * durably committed (group commit); a full queue answers 429 with `Retry-After` before the
 * body is even read.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CommitOutcome, EventKind, ParsedDelivery } from '../live/index.js';
import { parseDelivery } from '../live/index.js';
import { BreachwatchError } from '../model/index.js';
import { guard } from './auth.js';
import type { AppContext } from './context.js';
import { HttpError } from './http-error.js';

/** The JSON answer of an ingest request. */
export interface IngestAnswer {
  readonly accepted: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly reasons: Record<string, number>;
  readonly errors: ParsedDelivery['errors'];
}

/** Throws 429/503 when the pipeline cannot take more. */
export function checkCapacity(ctx: AppContext): void {
  if (ctx.pipeline.failed) throw new HttpError('ERR_UNAVAILABLE', 'the store failed; the service must be restarted', 5);
  if (ctx.pipeline.busy) throw new HttpError('ERR_BUSY', 'ingest queue is full; retry later', ctx.config.queue.retry_after_s);
}

/** Answers 400 for a delivery refused whole (too many bad lines; see `parseDelivery`), after counting its quarantined lines. */
export function refuseBad(ctx: AppContext, source: string, p: ParsedDelivery): void {
  if (p.refused === undefined) return;
  ctx.metrics.countQuarantine(source, p.reasons);
  throw new BreachwatchError('ERR_INPUT_INVALID', p.refused);
}

/** Submits parsed events and waits for their commit (429 when the queue filled meanwhile). */
export async function commitParsed(ctx: AppContext, source: string, p: ParsedDelivery, bytes: number): Promise<IngestAnswer> {
  ctx.metrics.countQuarantine(source, p.reasons);
  let o: CommitOutcome = { stored: 0, duplicates: 0 };
  if (p.access.length + p.ledger.length > 0) {
    const done = ctx.pipeline.submit({ source, access: p.access, ledger: p.ledger, bytes });
    if (done === undefined) throw new HttpError('ERR_BUSY', 'ingest queue is full; retry later', ctx.config.queue.retry_after_s);
    o = await done;
  }
  return { accepted: o.stored, duplicates: o.duplicates, quarantined: p.quarantined, reasons: p.reasons, errors: p.errors };
}

function route(app: FastifyInstance, ctx: AppContext, kind: EventKind): void {
  const source = `http-${kind}`;
  app.post(`/v1/events/${kind}`, {
    config: { role: 'ingest' },
    // After authentication (the app's hook), before the body is read or decoded.
    onRequest: guard(() => checkCapacity(ctx)),
  }, async (req: FastifyRequest, reply: FastifyReply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body)) throw new HttpError('ERR_BAD_REQUEST', 'expected an NDJSON body');
    const parsed = await parseDelivery(body, { kind, file: `${source}:${req.id}`, source, feed: `${source}@${req.ip}` }, ctx.parse);
    await ctx.settler.settle();
    refuseBad(ctx, source, parsed);
    if (parsed.notNdjson) {
      ctx.metrics.countQuarantine(source, parsed.reasons);
      throw new BreachwatchError('ERR_INPUT_INVALID', 'the body is not NDJSON (no line is a JSON object)');
    }
    const answer = await commitParsed(ctx, source, parsed, body.length);
    return reply.status(200).send(answer);
  });
}

/** Registers the two NDJSON ingest routes. */
export function registerIngest(app: FastifyInstance, ctx: AppContext): void {
  route(app, ctx, 'access');
  route(app, ctx, 'ledger');
}
