/**
 * ClickHouse errors as the store branches on them. The client library parses error codes in
 * the current message format only (`Code: 60. DB::Exception: … (UNKNOWN_TABLE)`); 18.16 writes
 * `Code: 60, e.displayText() = DB::Exception: …`, so the code is read from the message here,
 * for both. Server messages can quote a query or a row (personal data), so what reaches a
 * {@link BreachwatchError} is the code, its name and the message's first clause only.
 */
import { BreachwatchError, type ErrorCode } from '../../model/index.js';

/** The server errors the store tells apart. */
export type ClickHouseErrorName =
  | 'UNKNOWN_TABLE' | 'UNKNOWN_DATABASE' | 'SYNTAX_ERROR' | 'UNKNOWN_CLUSTER' | 'AUTHENTICATION_FAILED'
  | 'MEMORY_LIMIT_EXCEEDED' | 'TIMEOUT_EXCEEDED' | 'CANNOT_PARSE_INPUT' | 'TOO_MANY_PARTS' | 'OTHER';

/** Server code → name (18.16's numbers, which current releases kept; 516 is theirs for any login failure). */
const BY_CODE: Readonly<Record<number, ClickHouseErrorName>> = {
  60: 'UNKNOWN_TABLE', 81: 'UNKNOWN_DATABASE', 62: 'SYNTAX_ERROR', 170: 'UNKNOWN_CLUSTER',
  192: 'AUTHENTICATION_FAILED', 193: 'AUTHENTICATION_FAILED', 194: 'AUTHENTICATION_FAILED', 516: 'AUTHENTICATION_FAILED',
  241: 'MEMORY_LIMIT_EXCEEDED', 159: 'TIMEOUT_EXCEEDED', 27: 'CANNOT_PARSE_INPUT', 26: 'CANNOT_PARSE_INPUT',
  117: 'CANNOT_PARSE_INPUT', 252: 'TOO_MANY_PARTS',
};

/** What each name becomes for breachwatch's callers (the compiler asks for every new name). */
const AS_CODE: Readonly<Record<ClickHouseErrorName, ErrorCode>> = {
  UNKNOWN_TABLE: 'ERR_STORE', UNKNOWN_DATABASE: 'ERR_STORE', SYNTAX_ERROR: 'ERR_INTERNAL',
  UNKNOWN_CLUSTER: 'ERR_CONFIG', AUTHENTICATION_FAILED: 'ERR_CONFIG', MEMORY_LIMIT_EXCEEDED: 'ERR_STORE',
  TIMEOUT_EXCEEDED: 'ERR_STORE', CANNOT_PARSE_INPUT: 'ERR_INTERNAL', TOO_MANY_PARTS: 'ERR_STORE', OTHER: 'ERR_STORE',
};

/** A server error, read from its message. */
export interface ClickHouseFailure {
  /** The server's numeric code, or undefined when the failure did not come from the server (network). */
  readonly code: number | undefined;
  readonly name: ClickHouseErrorName;
  /** The message's first clause, safe to show (no quoted query or row). */
  readonly summary: string;
}

const CODE = /Code: (\d+)[.,]/;
/** After the last `Exception: ` (a cluster wraps a shard's error in its own). */
const TEXT = /Exception: (?!.*Exception: )(.*)$/s;

/** Reads a failure from anything the client threw. */
export function readFailure(e: unknown): ClickHouseFailure {
  const message = e instanceof Error ? e.message : String(e);
  const m = CODE.exec(message);
  const code = m === null ? undefined : Number(m[1]);
  const text = TEXT.exec(message)?.[1] ?? message;
  // The first clause: up to the first colon, ", e.what()" (18.16) or " (TYPE)" (current).
  const clause = text.split(/: |, e\.what\(\)| \([A-Z_]{3,}\)/)[0] ?? '';
  const summary = clause.replace(/\s+/g, ' ').trim().slice(0, 160);
  const name = code === undefined ? 'OTHER' : BY_CODE[code] ?? 'OTHER';
  return { code, name, summary: code === undefined ? networkSummary(e, summary) : summary };
}

/** A network failure names its errno (ECONNREFUSED, …), never more of the message than its first clause. */
function networkSummary(e: unknown, fallback: string): string {
  const errno = (e as { code?: unknown } | null)?.code;
  return typeof errno === 'string' ? `${errno}: ${fallback}` : fallback;
}

/** True when `e` is a server error with this name. */
export function isFailure(e: unknown, name: ClickHouseErrorName): boolean {
  return readFailure(e).name === name;
}

/**
 * A {@link BreachwatchError} for a failed operation: `doing` says what the store was doing,
 * `where` names the store (never with its password).
 */
export function storeError(e: unknown, doing: string, where: string): BreachwatchError {
  const f = readFailure(e);
  const code = f.code === undefined ? '' : ` [ClickHouse ${f.code}${f.name === 'OTHER' ? '' : ` ${f.name}`}]`;
  return new BreachwatchError(AS_CODE[f.name], `${doing} on ${where} failed${code}: ${f.summary}`);
}
