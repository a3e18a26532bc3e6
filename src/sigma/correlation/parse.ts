/**
 * The `correlation` section of a Sigma correlation rule: type, referenced rules, group-by,
 * timespan, condition (single comparison or a range), aliases and generate.
 */
import type { RuleDoc } from '../document.js';
import { SigmaRuleError } from '../located.js';
import type { CorrelationRule, CorrelationType, CountCondition } from '../types.js';

const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'];
const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `5m`, `1h`, `7d`… into milliseconds; undefined when malformed. */
export function parseTimespan(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\s*([smhdw])$/.exec(v.trim());
  return m ? Number(m[1]) * UNIT[m[2]!]! : undefined;
}

type Parsed = Pick<CorrelationRule, 'type' | 'rules' | 'groupBy' | 'aliases' | 'timespanMs' | 'condition' | 'generate'>;

function strList(doc: RuleDoc, key: string, v: unknown): string[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  list.forEach((x, i) => {
    if (typeof x !== 'string') throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['correlation', key, i]), `correlation.${key} must list strings`);
  });
  return list as string[];
}

/** Parses `correlation:` of a document. */
export function parseCorrelation(doc: RuleDoc): Parsed {
  const c = doc.value['correlation'];
  const at = (...p: (string | number)[]) => doc.pos(['correlation', ...p]);
  if (!isMap(c)) throw new SigmaRuleError('ERR_SIGMA_RULE', at(), 'correlation must be a map');
  const type = c['type'];
  if (typeof type !== 'string' || !TYPES.includes(type as CorrelationType)) {
    throw new SigmaRuleError(typeof type === 'string' ? 'ERR_SIGMA_UNSUPPORTED' : 'ERR_SIGMA_RULE', at('type'), `unknown correlation type ${JSON.stringify(type)} (known: ${TYPES.join(', ')})`);
  }
  const t = type as CorrelationType;
  const rules = strList(doc, 'rules', c['rules']);
  if (rules.length === 0) throw new SigmaRuleError('ERR_SIGMA_RULE', at('rules'), 'correlation.rules is empty');
  const groupBy = strList(doc, 'group-by', c['group-by']);
  const spanKey = c['timespan'] !== undefined ? 'timespan' : 'timeframe';
  const timespanMs = parseTimespan(c[spanKey]);
  if (timespanMs === undefined || timespanMs <= 0) throw new SigmaRuleError('ERR_SIGMA_RULE', at(spanKey), 'correlation.timespan must look like 30s, 5m, 1h, 7d or 2w');
  const aliases: Record<string, Record<string, string>> = {};
  const al = c['aliases'];
  if (al !== undefined) {
    if (!isMap(al)) throw new SigmaRuleError('ERR_SIGMA_RULE', at('aliases'), 'correlation.aliases must be a map');
    for (const [name, m] of Object.entries(al)) {
      if (!isMap(m) || Object.values(m).some((x) => typeof x !== 'string')) throw new SigmaRuleError('ERR_SIGMA_RULE', at('aliases', name), 'an alias maps rule names to field names');
      aliases[name] = m as Record<string, string>;
    }
  }
  const gen = c['generate'] ?? doc.value['generate'];
  if (gen !== undefined && typeof gen !== 'boolean') throw new SigmaRuleError('ERR_SIGMA_RULE', at('generate'), 'generate must be true or false');
  return { type: t, rules, groupBy, aliases, timespanMs, condition: parseCountCondition(doc, t, c['condition'], rules.length), generate: gen === true };
}

function parseCountCondition(doc: RuleDoc, t: CorrelationType, v: unknown, nRules: number): CountCondition {
  const at = (...p: string[]) => doc.pos(['correlation', 'condition', ...p]);
  const temporal = t === 'temporal' || t === 'temporal_ordered';
  if (v === undefined) {
    if (temporal) return { ops: [{ op: 'gte', n: nRules }] };
    throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['correlation']), `a ${t} correlation needs a condition`);
  }
  if (!isMap(v)) throw new SigmaRuleError('ERR_SIGMA_RULE', at(), 'condition must be a map such as {gte: 10}');
  const ops: { op: (typeof OPS)[number]; n: number }[] = [];
  let field: string | undefined;
  let percentile: number | undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'field') {
      if (typeof x !== 'string') throw new SigmaRuleError('ERR_SIGMA_RULE', at(k), 'condition.field must be a field name');
      field = x;
    } else if (k === 'percentile') {
      if (typeof x !== 'number' || x < 0 || x > 100) throw new SigmaRuleError('ERR_SIGMA_RULE', at(k), 'condition.percentile must be a number from 0 to 100');
      percentile = x;
    } else if ((OPS as readonly string[]).includes(k)) {
      if (typeof x !== 'number') throw new SigmaRuleError('ERR_SIGMA_RULE', at(k), `condition.${k} must be a number`);
      ops.push({ op: k as (typeof OPS)[number], n: x });
    } else throw new SigmaRuleError('ERR_SIGMA_RULE', at(k), `unknown condition key "${k}" (gt, gte, lt, lte, eq, neq, field)`);
  }
  if (ops.length === 0) throw new SigmaRuleError('ERR_SIGMA_RULE', at(), 'condition has no comparison');
  const needsField = t.startsWith('value_');
  if (needsField && field === undefined) throw new SigmaRuleError('ERR_SIGMA_RULE', at(), `a ${t} correlation needs condition.field`);
  if (!needsField && field !== undefined) throw new SigmaRuleError('ERR_SIGMA_RULE', at('field'), `a ${t} correlation takes no condition.field`);
  if (t === 'temporal_ordered' && !(ops.length === 1 && ops[0]!.op === 'gte' && ops[0]!.n === nRules)) {
    throw new SigmaRuleError('ERR_SIGMA_UNSUPPORTED', at(), 'temporal_ordered supports only the default condition (all rules, in order)');
  }
  if (t !== 'value_percentile' && percentile !== undefined) throw new SigmaRuleError('ERR_SIGMA_RULE', at('percentile'), 'percentile only applies to value_percentile');
  return {
    ops,
    ...(field !== undefined ? { field } : {}),
    ...(t === 'value_percentile' ? { percentile: percentile ?? 50 } : {}),
  };
}
