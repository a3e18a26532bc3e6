/**
 * The parsed form of Sigma rules: detection expressions over leaf tests, correlation rules
 * and filters. Produced by `rule.ts`, consumed by `compile.ts` and the correlation engine.
 */
import type { SourcePos } from './located.js';

/** Sigma `level`. */
export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** A rule's `logsource` (only the keys that select inputs). */
export interface LogSource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** How a string leaf compares (after wildcards were resolved). */
export type StrOp = 'eq' | 'prefix' | 'suffix' | 'contains' | 're';

/** One test on one field (`field: null` is a keyword / full-text test). */
export type Leaf =
  | { readonly t: 'str'; readonly field: string | null; readonly op: StrOp; readonly lit: string; readonly re?: RegExp; readonly cased: boolean; readonly neq: boolean }
  | { readonly t: 'null'; readonly field: string }
  | { readonly t: 'exists'; readonly field: string; readonly want: boolean }
  | { readonly t: 'num'; readonly field: string; readonly op: NumOp; readonly n: number; readonly part?: TimePart; readonly neq: boolean }
  | { readonly t: 'cidr'; readonly field: string; readonly cidr: string; readonly neq: boolean }
  | { readonly t: 'fieldref'; readonly field: string; readonly other: string; readonly op: Exclude<StrOp, 're'>; readonly cased: boolean; readonly neq: boolean };

export type NumOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A boolean expression over leaves. */
export type Expr =
  | { readonly k: 'and'; readonly xs: readonly Expr[] }
  | { readonly k: 'or'; readonly xs: readonly Expr[] }
  | { readonly k: 'not'; readonly x: Expr }
  | { readonly k: 'leaf'; readonly leaf: Leaf }
  | { readonly k: 'const'; readonly v: boolean };

/** Fields every parsed rule kind shares. */
interface RuleBase {
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly level: SigmaLevel;
  readonly pos: SourcePos;
  /** Index of the document inside its file. */
  readonly docIndex: number;
}

/** A detection rule. */
export interface DetectionRule extends RuleBase {
  readonly kind: 'detection';
  readonly logsource: LogSource;
  /** The whole condition (filters are ANDed in at compile time). */
  readonly expr: Expr;
  readonly tags: readonly string[];
}

/** A correlation rule's numeric condition (keys AND-ed: `{gte: 5, lt: 10}` is a range). */
export interface CountCondition {
  readonly ops: readonly { readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq'; readonly n: number }[];
  /** The field value_* correlations aggregate. */
  readonly field?: string;
  /** value_percentile: which percentile (0–100). */
  readonly percentile?: number;
}

export type CorrelationType =
  | 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'value_sum' | 'value_avg' | 'value_percentile';

/** A correlation (meta) rule. */
export interface CorrelationRule extends RuleBase {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** Referenced rule ids or names, in order (order matters for temporal_ordered). */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  /** alias → (rule id or name → field). */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly timespanMs: number;
  readonly condition: CountCondition;
  /** Whether the referenced rules also emit their own matches. */
  readonly generate: boolean;
}

/** A filter (meta) rule: ANDs `expr` into the named rules' conditions. */
export interface FilterRule extends RuleBase {
  readonly kind: 'filter';
  readonly logsource: LogSource;
  /** Target rule ids or names; empty = every rule whose logsource the filter's covers. */
  readonly rules: readonly string[];
  readonly expr: Expr;
}

export type ParsedRule = DetectionRule | CorrelationRule | FilterRule;
