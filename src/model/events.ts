/**
 * The normalized events every stage after ingest works on. They follow the data contract
 * (`shared/spec/data-contract.md`), with times as epoch milliseconds and the `jwt` form and
 * `path`-only form already resolved.
 */
import type { SourceRef } from './result.js';

/** Claims of a bearer token, as the gateway verified them or as read from a `jwt`. */
export interface TokenClaims {
  readonly jti: string;
  readonly kid: string;
  readonly sub: string;
  /** Unix seconds. */
  readonly iat: number;
  /** Unix seconds. */
  readonly exp: number;
  readonly client_id?: string;
  readonly iss?: string;
}

/** Outcome of checking a `jwt`'s signature against the key registry. */
export type SignatureCheck = 'valid' | 'invalid' | 'no_key';

/** One API request (contract input 1). */
export interface AccessEvent {
  readonly kind: 'access';
  /** Event time, epoch milliseconds (from `time`). */
  readonly t: number;
  readonly src_ip: string;
  readonly method: string;
  /** Templated route; resolved from `path` through the catalog when only `path` was given. */
  readonly route: string;
  readonly path?: string;
  readonly status: number;
  readonly token?: TokenClaims;
  /** Set only when the event carried a `jwt`. */
  readonly sig?: SignatureCheck;
  /** Whose personal data the response carried; defaults to `token.sub`. */
  readonly account_id?: string;
  readonly request_id?: string;
  readonly user_agent?: string;
  readonly device_id?: string;
  readonly session_id?: string;
  readonly bytes?: number;
  readonly records?: number;
  readonly country?: string;
  readonly asn?: string;
  readonly ref: SourceRef;
  /**
   * The source line, verbatim, when it represents this event exactly (no `jwt`/`path`
   * resolution needed). A store may load it as is instead of re-serializing the event.
   */
  readonly raw?: string;
}

/** One issuance-ledger record (contract input 2). */
export interface LedgerEvent {
  readonly kind: 'ledger';
  readonly t: number;
  readonly type: 'issue' | 'revoke';
  readonly jti: string;
  readonly kid?: string;
  readonly sub?: string;
  /** Unix seconds. */
  readonly exp?: number;
  readonly client_id?: string;
  readonly grant?: string;
  readonly src_ip?: string;
  readonly device_id?: string;
  readonly ref: SourceRef;
}

/** What flows through the detection engine, in event time. */
export type PipelineEvent = AccessEvent | LedgerEvent;
