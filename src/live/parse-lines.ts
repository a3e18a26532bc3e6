/**
 * Turns one delivery (an HTTP body, a JetStream message, OTLP records) into contract events
 * with the same line parsers as `hunt`. Bad lines are quarantined with their reasons and
 * counted; the caller learns whether the delivery was NDJSON at all.
 */
import { isUtf8 } from 'node:buffer';
import type { AccessEvent, LedgerEvent } from '../model/index.js';
import type { Catalog, JwtChecker, QuarantineWriter } from '../ingest/index.js';
import { parseAccessLine, parseLedgerLine } from '../ingest/index.js';

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
}

/** What parsing needs: the catalog, the channel's JWT checker and the quarantine. */
export interface ParseContext {
  readonly catalog: Catalog;
  readonly jwt: JwtChecker;
  readonly quarantine: QuarantineWriter;
}

const NOT_JSON = new Set(['bad_json', 'not_object', 'bad_utf8']);
const MAX_ERRORS = 20;

/** Splits `body` into lines (UTF-8 checked per line only when the whole body is not valid). */
function linesOf(body: Buffer): { texts: string[]; badUtf8: Set<number> } {
  if (isUtf8(body)) return { texts: body.toString('utf8').split('\n'), badUtf8: new Set() };
  const texts: string[] = [];
  const badUtf8 = new Set<number>();
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 10) {
      const piece = body.subarray(start, i);
      if (!isUtf8(piece)) badUtf8.add(texts.length);
      texts.push(isUtf8(piece) ? piece.toString('utf8') : '');
      start = i + 1;
    }
  }
  return { texts, badUtf8 };
}

/**
 * Parses an NDJSON delivery of `kind`. `file` names the delivery in quarantine records and
 * event refs (e.g. `http-access:<request id>`); `feed` names the sender for per-feed clock
 * offsets (e.g. `http-access@192.0.2.10`; default: the file).
 */
export function parseDelivery(kind: EventKind, body: Buffer, file: string, ctx: ParseContext, feed?: string): ParsedDelivery {
  const { texts, badUtf8 } = linesOf(body);
  const access: AccessEvent[] = [];
  const ledger: LedgerEvent[] = [];
  const reasons: Record<string, number> = {};
  const errors: LineError[] = [];
  let quarantined = 0;
  let lines = 0;
  let notJson = 0;
  const reject = (line: number, reason: string, message: string, text: string): void => {
    quarantined++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (NOT_JSON.has(reason)) notJson++;
    if (errors.length < MAX_ERRORS) errors.push({ line, reason, message });
    ctx.quarantine.write({ file, line, reason, message, excerpt: text.slice(0, 200) });
  };
  for (let i = 0; i < texts.length; i++) {
    let text = texts[i] as string;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const line = i + 1;
    if (badUtf8.has(i)) { lines++; reject(line, 'bad_utf8', 'line is not valid UTF-8', ''); continue; }
    if (text.trim() === '') continue;
    lines++;
    const ref = feed === undefined ? { file, line } : { file, line, feed };
    if (kind === 'access') {
      const r = parseAccessLine(text, ref, { catalog: ctx.catalog, jwt: ctx.jwt });
      if (r.ok) access.push(r.value);
      else reject(line, r.issues[0]?.code ?? 'invalid', r.issues.map((x) => x.message).join('; '), text);
    } else {
      const r = parseLedgerLine(text, ref);
      if (r.ok) ledger.push(r.value);
      else reject(line, r.issues[0]?.code ?? 'invalid', r.issues.map((x) => x.message).join('; '), text);
    }
  }
  return { access, ledger, quarantined, reasons, errors, notNdjson: lines > 0 && notJson === lines };
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
