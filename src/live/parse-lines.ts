/**
 * Turns one delivery (an HTTP body, a JetStream message, OTLP records) into contract events
 * with the same line parsers as `hunt`. Bad lines are quarantined with their reasons and
 * counted; the caller learns whether the delivery was NDJSON at all.
 *
 * The work one delivery can cause is bounded: parsing runs in slices that give the event loop
 * back (a 16 MB body of tiny bad lines once held it for minutes), at most
 * `maxQuarantined` records of one delivery are written to the quarantine one by one (the rest
 * are counted and summed up in one record), and past `maxBadLines` bad lines the delivery is
 * refused whole — nothing of it is accepted, and the sender is told so.
 */
import { isUtf8 } from 'node:buffer';
import type { AccessEvent, LedgerEvent } from '../model/index.js';
import { DEFAULTS } from '../model/index.js';
import type { Catalog, JwtChecker, QuarantineWriter } from '../ingest/index.js';
import { parseAccessLine, parseLedgerLine } from '../ingest/index.js';
import type { TimeGate } from './time-gate.js';

/** Which contract input a delivery holds. */
export type EventKind = 'access' | 'ledger';

/** One rejected line, as reported to the sender. */
export interface LineError {
  readonly line: number;
  readonly reason: string;
  readonly message: string;
}

/** Outcome of parsing one delivery. */
export interface ParsedDelivery {
  readonly access: AccessEvent[];
  readonly ledger: LedgerEvent[];
  readonly quarantined: number;
  readonly reasons: Record<string, number>;
  /** The first 20 rejected lines. */
  readonly errors: LineError[];
  /** True when there were lines and none of them was a JSON object at all. */
  readonly notNdjson: boolean;
  /** Set when the delivery had more bad lines than allowed: nothing of it is accepted. */
  readonly refused?: string;
}

/** How much one delivery may cost. */
export interface DeliveryLimits {
  /** Quarantine records written one by one per delivery. */
  readonly maxQuarantined: number;
  /** Bad lines after which the delivery is refused whole and parsing stops. */
  readonly maxBadLines: number;
}

/** What parsing needs: the catalog, the channel's JWT checker, the quarantine and the time gate. */
export interface ParseContext {
  readonly catalog: Catalog;
  readonly jwt: JwtChecker;
  readonly quarantine: QuarantineWriter;
  /** Judges event times per source (future, stale); without it every parsed time passes. */
  readonly gate?: TimeGate;
  readonly limits?: DeliveryLimits;
}

/**
 * One item of a delivery: a line's text, a record refused before it became a line (an OTLP
 * record of the wrong shape), or `undefined` for a blank that keeps line numbers in step.
 */
export type DeliveryItem = string | { readonly rejected: { readonly reason: string; readonly message: string; readonly excerpt: string } } | undefined;

const NOT_JSON = new Set(['bad_json', 'not_object', 'bad_utf8']);
const MAX_ERRORS = 20;
/** Lines between two looks at the clock; a slice ends after {@link SLICE_MS}. */
const CHECK_EVERY = 256;
const SLICE_MS = 8;

/** The default limits (see `DEFAULTS.live`). */
export const DEFAULT_LIMITS: DeliveryLimits = {
  maxQuarantined: DEFAULTS.live.maxQuarantinedPerDelivery, maxBadLines: DEFAULTS.live.maxBadLinesPerDelivery,
};

const BAD_UTF8: DeliveryItem = { rejected: { reason: 'bad_utf8', message: 'line is not valid UTF-8', excerpt: '' } };

/** The lines of `body` as items, without one string per line up front (UTF-8 checked per line only when the whole body is not valid). */
function* linesOf(body: Buffer): Generator<DeliveryItem> {
  if (isUtf8(body)) {
    const text = body.toString('utf8');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      yield end === start ? undefined : text.slice(start, end);
      if (nl < 0) return;
      start = nl + 1;
    }
  }
  let start = 0;
  for (;;) {
    const nl = body.indexOf(10, start);
    const piece = body.subarray(start, nl < 0 ? body.length : nl);
    yield isUtf8(piece) ? piece.toString('utf8') : BAD_UTF8;
    if (nl < 0) return;
    start = nl + 1;
  }
}

/** What a delivery is and where it came from. */
export interface DeliveryOrigin {
  readonly kind: EventKind;
  /** Names the delivery in quarantine records and event refs (e.g. `http-access:<request id>`). */
  readonly file: string;
  /** The source whose event times the time gate judges (default: the file). */
  readonly source?: string;
  /** The sender, for per-feed clock offsets (e.g. `http-access@192.0.2.10`; default: the file). */
  readonly feed?: string;
}

/** Parses an NDJSON delivery (see {@link DeliveryOrigin}). */
export function parseDelivery(body: Buffer, origin: DeliveryOrigin, ctx: ParseContext): Promise<ParsedDelivery> {
  return parseItems(linesOf(body), origin, ctx);
}

/** Parses items (see {@link DeliveryItem}) as {@link parseDelivery} parses lines. */
export async function parseItems(items: Iterable<DeliveryItem>, origin: DeliveryOrigin, ctx: ParseContext): Promise<ParsedDelivery> {
  const { kind, file, feed } = origin;
  const source = origin.source ?? file;
  const limits = ctx.limits ?? DEFAULT_LIMITS;
  const access: AccessEvent[] = [];
  const ledger: LedgerEvent[] = [];
  const reasons: Record<string, number> = {};
  const errors: LineError[] = [];
  let quarantined = 0;
  let lines = 0;
  let notJson = 0;
  let omitted: { first: number; n: number } | undefined;
  const reject = (line: number, reason: string, message: string, text: string): void => {
    quarantined++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (NOT_JSON.has(reason)) notJson++;
    if (errors.length < MAX_ERRORS) errors.push({ line, reason, message });
    if (quarantined <= limits.maxQuarantined) ctx.quarantine.write({ file, line, reason, message, excerpt: text.slice(0, 200) });
    else if (omitted === undefined) omitted = { first: line, n: 1 };
    else omitted.n++;
  };
  const sink: Sink = { kind, ctx, source, access, ledger, reject };
  let line = 0;
  let sliceStart = performance.now();
  for (const item of items) {
    line++;
    if (line % CHECK_EVERY === 0 && performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((r) => setImmediate(r));
      sliceStart = performance.now();
    }
    if (item === undefined) continue;
    if (typeof item !== 'string') {
      lines++;
      reject(line, item.rejected.reason, item.rejected.message, item.rejected.excerpt);
    } else {
      const text = item.endsWith('\r') ? item.slice(0, -1) : item;
      if (text.trim() === '') continue;
      lines++;
      parseOne(text, feed === undefined ? { file, line } : { file, line, feed }, sink);
    }
    if (quarantined > limits.maxBadLines) break;
  }
  const refused = quarantined > limits.maxBadLines
    ? `more than ${limits.maxBadLines} bad lines (the first at line ${errors[0]?.line ?? 0}); nothing of this delivery was accepted`
    : undefined;
  if (omitted !== undefined) {
    ctx.quarantine.write({
      file, line: omitted.first, reason: 'quarantine_capped', excerpt: '',
      message: `${omitted.n} more rejected lines from line ${omitted.first} on are counted but not written one by one (at most ${limits.maxQuarantined} per delivery)${refused === undefined ? '' : '; the delivery was refused'}`,
    });
  }
  if (refused !== undefined) {
    return { access: [], ledger: [], quarantined, reasons, errors, notNdjson: lines > 0 && notJson === lines, refused };
  }
  return { access, ledger, quarantined, reasons, errors, notNdjson: lines > 0 && notJson === lines };
}

/** One delivery's parse: what it is, and where its events and rejects go. */
interface Sink {
  readonly kind: EventKind;
  readonly ctx: ParseContext;
  /** The source the time gate judges. */
  readonly source: string;
  readonly access: AccessEvent[];
  readonly ledger: LedgerEvent[];
  reject(line: number, reason: string, message: string, text: string): void;
}

/** Parses one non-blank line into `out`, then lets the time gate judge its time. */
function parseOne(text: string, ref: { file: string; line: number; feed?: string }, out: Sink): void {
  const { kind, ctx, source } = out;
  const r = kind === 'access' ? parseAccessLine(text, ref, { catalog: ctx.catalog, jwt: ctx.jwt }) : parseLedgerLine(text, ref);
  if (!r.ok) {
    out.reject(ref.line, r.issues[0]?.code ?? 'invalid', r.issues.map((x) => x.message).join('; '), text);
    return;
  }
  const late = ctx.gate?.judge(source, r.value.t);
  if (late !== undefined) {
    out.reject(ref.line, late.reason, late.message, text);
    return;
  }
  if (r.value.kind === 'access') out.access.push(r.value);
  else out.ledger.push(r.value);
}

/** Serializes `settle()` calls of one JWT checker so each caller waits for its own checks. */
export class JwtSettler {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly jwt: JwtChecker) {}

  /** Resolves once every check queued so far has its signature verdict. */
  settle(): Promise<void> {
    if (this.jwt.pendingCount === 0) return this.chain;
    this.chain = this.chain.then(() => this.jwt.settle());
    return this.chain;
  }
}
