/**
 * Where a Sigma rule problem is: `file:line:column`, and the error raised while parsing a rule.
 * A problem inside one rule refuses that rule only; the loader keeps going.
 */
import { BreachwatchError } from '../model/index.js';
import type { ErrorCode } from '../model/index.js';

/** A 1-based position inside a rule file. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A rule (or document) the loader refused, with the reason. */
export interface Refusal extends SourcePos {
  /** `ERR_SIGMA_RULE` (the rule is wrong) or `ERR_SIGMA_UNSUPPORTED` (valid Sigma this engine refuses). */
  readonly code: 'ERR_SIGMA_RULE' | 'ERR_SIGMA_UNSUPPORTED';
  readonly reason: string;
  /** Rule title or id when known. */
  readonly rule?: string;
}

/** A path inside a YAML document, e.g. `['detection', 'selection', 'c-uri|contains', 2]`. */
export type YamlPath = readonly (string | number)[];

/** Raised while parsing one rule; carries its position. */
export class SigmaRuleError extends BreachwatchError {
  readonly pos: SourcePos;
  constructor(code: Extract<ErrorCode, 'ERR_SIGMA_RULE' | 'ERR_SIGMA_UNSUPPORTED'>, pos: SourcePos, reason: string) {
    super(code, `${formatPos(pos)}: ${reason}`);
    this.name = 'SigmaRuleError';
    this.pos = pos;
    this.reason = reason;
  }
  readonly reason: string;
}

/** `file:line:column`. */
export function formatPos(p: SourcePos): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** Turns a caught error into a refusal at `fallback` when it carries no position. */
export function toRefusal(e: unknown, fallback: SourcePos, rule?: string): Refusal {
  const base = e instanceof SigmaRuleError
    ? { ...e.pos, code: e.code as Refusal['code'], reason: e.reason }
    : { ...fallback, code: 'ERR_SIGMA_RULE' as const, reason: e instanceof Error ? e.message : String(e) };
  return rule === undefined ? base : { ...base, rule };
}
