/**
 * Loading a rule set: files → documents → parsed rules, then cross-rule checks (correlation
 * and filter references resolve, no reference cycles, no duplicate ids). Every document ends
 * up either loaded or refused with `file:line:column` and a reason.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { BreachwatchError } from '../model/index.js';
import { listRuleFiles, readRuleFile } from './document.js';
import type { RuleDoc } from './document.js';
import { SigmaRuleError, toRefusal } from './located.js';
import type { Refusal } from './located.js';
import type { Placeholders } from './modifiers.js';
import { parseRule } from './rule.js';
import type { CorrelationRule, DetectionRule, FilterRule, ParsedRule } from './types.js';

/** A parsed rule and where it came from. */
export type LoadedRule<R extends ParsedRule = ParsedRule> = R & { readonly file: string; readonly doc: RuleDoc };

/** Everything that loaded, by kind. */
export interface LoadedRuleSet {
  readonly detections: readonly LoadedRule<DetectionRule>[];
  readonly correlations: readonly LoadedRule<CorrelationRule>[];
  readonly filters: readonly LoadedRule<FilterRule>[];
}

/** Options of {@link loadSigmaRules}. */
export interface LoadOptions {
  /** Values for `|expand` placeholders. */
  readonly placeholders?: Placeholders;
}

/** Result of loading: the rules and the located refusals. */
export interface LoadResult {
  readonly rules: LoadedRuleSet;
  readonly refused: Refusal[];
  /** How many documents were considered (loaded + refused). */
  readonly documents: number;
}

/** The key a rule is referenced by (id or name). */
function keys(r: ParsedRule): string[] {
  return [r.id, r.name].filter((x): x is string => x !== undefined);
}

/** Cross-checks parsed rules; returns the ones that stay loaded. */
export function link(parsed: LoadedRule[], refused: Refusal[]): LoadedRuleSet {
  const byKey = new Map<string, LoadedRule>();
  let live = parsed.filter((r) => {
    if (r.id !== undefined && byKey.has(r.id)) {
      refused.push({ ...r.doc.pos(['id']), code: 'ERR_SIGMA_RULE', reason: `duplicate rule id ${r.id}`, rule: r.title });
      return false;
    }
    for (const k of keys(r)) if (!byKey.has(k)) byKey.set(k, r);
    return true;
  });
  // Drop correlations whose references do not resolve (repeat: a refused correlation may be referenced).
  for (let changed = true; changed;) {
    changed = false;
    const liveSet = new Set(live);
    live = live.filter((r) => {
      if (r.kind === 'detection') return true;
      const field = r.kind === 'correlation' ? 'correlation' : 'filter';
      const i = r.rules.findIndex((k) => { const t = byKey.get(k); return !t || !liveSet.has(t) || t.kind === 'filter' || (r.kind === 'filter' && t.kind !== 'detection'); });
      if (i < 0) return true;
      refused.push({ ...r.doc.pos([field, 'rules', i]), code: 'ERR_SIGMA_RULE', reason: `referenced rule "${r.rules[i]!}" is not a loaded ${r.kind === 'filter' ? 'detection' : 'detection or correlation'} rule`, rule: r.title });
      changed = true;
      return false;
    });
  }
  // Cycles between correlations.
  const state = new Map<LoadedRule, 1 | 2>();
  const cyclic = new Set<LoadedRule>();
  const visit = (r: LoadedRule): boolean => {
    if (r.kind !== 'correlation') return false;
    if (state.get(r) === 2) return cyclic.has(r);
    if (state.get(r) === 1) return true;
    state.set(r, 1);
    let bad = false;
    for (const k of r.rules) if (visit(byKey.get(k)!)) bad = true;
    state.set(r, 2);
    if (bad) cyclic.add(r);
    return bad;
  };
  live.forEach(visit);
  live = live.filter((r) => {
    if (!cyclic.has(r)) return true;
    refused.push({ ...r.doc.pos(['correlation', 'rules']), code: 'ERR_SIGMA_RULE', reason: 'correlation references form a cycle', rule: r.title });
    return false;
  });
  return {
    detections: live.filter((r): r is LoadedRule<DetectionRule> => r.kind === 'detection'),
    correlations: live.filter((r): r is LoadedRule<CorrelationRule> => r.kind === 'correlation'),
    filters: live.filter((r): r is LoadedRule<FilterRule> => r.kind === 'filter'),
  };
}

/** Parses documents (already read) into a linked set. */
export function loadDocs(docs: readonly RuleDoc[], refused: Refusal[], opts: LoadOptions = {}): LoadedRuleSet {
  const parsed: LoadedRule[] = [];
  for (const doc of docs) {
    try {
      parsed.push({ ...parseRule(doc, opts.placeholders), file: doc.file, doc });
    } catch (e) {
      if (!(e instanceof SigmaRuleError) && !(e instanceof BreachwatchError)) throw e;
      const title = typeof doc.value['title'] === 'string' ? doc.value['title'] : undefined;
      refused.push(toRefusal(e, doc.pos([]), title));
    }
  }
  return link(parsed, refused);
}

/**
 * Loads every `.yml`/`.yaml` rule under `paths` (files or folders).
 * Throws `ERR_INPUT_UNREADABLE` only when a path cannot be read; bad rules are refusals.
 * @example const { rules, refused } = await loadSigmaRules(['rules/web']);
 */
export async function loadSigmaRules(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const files = await listRuleFiles(paths);
  const docs: RuleDoc[] = [];
  const refused: Refusal[] = [];
  for (const f of files) {
    const r = await readRuleFile(f);
    docs.push(...r.docs);
    refused.push(...r.refused);
  }
  const before = refused.length;
  const rules = loadDocs(docs, refused, opts);
  return { rules, refused, documents: docs.length + before };
}

/** Reads an `expand` placeholder file: YAML map of name → value or list of values. */
export async function loadPlaceholders(file: string): Promise<Placeholders> {
  let v: unknown;
  try { v = parse(await readFile(file, 'utf8')); } catch (e) {
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read placeholders ${file}`, { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BreachwatchError('ERR_USAGE', `${file}: placeholders are a YAML map of name → values`);
  const out = new Map<string, string[]>();
  for (const [k, x] of Object.entries(v)) {
    const list = (Array.isArray(x) ? x : [x]).map(String);
    out.set(k.replace(/^%|%$/g, ''), list);
  }
  return out;
}
