/**
 * What the evidence log records: the entry kinds (a closed union, so that a new kind is added
 * here once and every exhaustive map asks for it) and the payload shapes this stage defines.
 * Other stages record their own payloads as JSON objects under their own kind.
 */

/** A JSON value as the canonical form accepts it (finite numbers, well-formed strings). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object: every entry's payload is one. */
export type JsonObject = { [key: string]: JsonValue };

/** Every kind of evidence entry. */
export type EvidenceKind =
  | 'input_file'
  | 'alert'
  | 'indicator'
  | 'scope_run'
  | 'account_evidence'
  | 'request_line'
  | 'incident'
  | 'hold'
  | 'notice_rendered'
  | 'notice_sent'
  | 'report'
  | 'certificate'
  | 'claim'
  | 'containment'
  | 'audit'
  | 'note'
  | 'log_recovered';

/** What each kind records (CLI help and docs/EVIDENCE.md say the same). */
export const EVIDENCE_KIND_DESCRIPTIONS: Record<EvidenceKind, string> = {
  input_file: 'an input file by name, size and SHA-256 (InputFilePayload)',
  alert: 'an alert as the detectors raised it',
  indicator: 'an indicator (token, source, key) that scope followed',
  scope_run: 'a saved scope run: its id, inputs and result counts',
  account_evidence: 'what of one affected account was exposed, with its request lines (AccountEvidencePayload)',
  request_line: 'one request line behind an affected account: file, line, SHA-256 (RequestLinePayload)',
  incident: 'an incident opened, changed or closed',
  hold: 'a legal preservation hold placed or lifted',
  notice_rendered: 'a notice rendered for one person (hash of the message)',
  notice_sent: 'a notice accepted by the mail server for one person',
  report: 'a regulator or investigators report (hash of the document)',
  certificate: 'an exposure certificate issued by the victim portal (ids and the JWS hash)',
  claim: 'a person joined or withdrew from the collective claim on the victim portal (ids and the consent text version)',
  containment: 'a containment step proposed, approved or executed',
  audit: 'an analyst API action',
  note: 'a free-form note by an operator',
  log_recovered: 'the log dropped a torn tail on open after a crash (RecoveryPayload)',
};

/** Every kind, in declaration order. */
export const EVIDENCE_KINDS = Object.keys(EVIDENCE_KIND_DESCRIPTIONS) as readonly EvidenceKind[];

/** True when `s` names a kind. */
export function isEvidenceKind(s: string): s is EvidenceKind {
  return Object.hasOwn(EVIDENCE_KIND_DESCRIPTIONS, s);
}

/** Payload of `input_file`: one input file's bytes, hashed as a stream. */
export type InputFilePayload = {
  /** The file's name as given (a path, or `-` for stdin). */
  path: string;
  /** Lower-case hex SHA-256 of the file's bytes (compressed bytes for `.gz`: the file as stored). */
  sha256: string;
  bytes: number;
};

/** Payload of `request_line`: one line of an input file, by its hash (never the line itself). */
export type RequestLinePayload = {
  file: string;
  /** 1-based line number. */
  line: number;
  /** Lower-case hex SHA-256 of the line's UTF-8 bytes without its terminator (see hashRequestLine). */
  sha256: string;
  /** The affected account the line is evidence for, when the caller records it. */
  account_id?: string;
};

/** One request line named by its hash, as `account_evidence` lists them. */
export type LineRef = {
  file: string;
  /** 1-based line number. */
  line: number;
  /** Lower-case hex SHA-256 of the line (see hashRequestLine); null when it could not be read back. */
  sha256: string | null;
};

/** Payload of `account_evidence`: one affected account of a scope run and (part of) the request lines behind it. */
export type AccountEvidencePayload = {
  incident_id: string;
  run_id: string;
  account_id: string;
  /** The account's exposed fields (catalog names). */
  fields: string[];
  /** First and last access to the account's data (RFC 3339). */
  first_access: string;
  last_access: string;
  accesses: number;
  /** This entry's 1-based part of `parts` (an account with very many lines has several). */
  part: number;
  parts: number;
  lines: LineRef[];
};

/** Payload of `log_recovered`: what opening the log after a crash kept and dropped. */
export type RecoveryPayload = {
  /** Size the log had at its last commit. */
  committed_size: number;
  /** Whole entries found after the commit point and kept. */
  kept_entries: number;
  /** Bytes of torn or unreadable tail dropped from the entries file. */
  dropped_bytes: number;
  /** SHA-256 of the dropped bytes (so that what was lost can be matched to a copy). */
  dropped_sha256: string;
};

/** Payload type of each kind with a shape defined here; any JSON object for the others. */
export interface KnownPayloads {
  input_file: InputFilePayload;
  request_line: RequestLinePayload;
  account_evidence: AccountEvidencePayload;
  log_recovered: RecoveryPayload;
}

/** The payload type of kind `K`. */
export type PayloadOf<K extends EvidenceKind> = K extends keyof KnownPayloads ? KnownPayloads[K] : JsonObject;
