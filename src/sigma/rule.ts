/**
 * One Sigma document → a detection rule, a correlation rule or a filter, with its metadata.
 * Throws {@link SigmaRuleError} (located) for anything wrong or unsupported.
 */
import { parseCorrelation } from './correlation/parse.js';
import { parseDetection } from './detection.js';
import type { RuleDoc } from './document.js';
import { SigmaRuleError } from './located.js';
import type { Placeholders } from './modifiers.js';
import type { LogSource, ParsedRule, SigmaLevel } from './types.js';

const LEVELS: readonly SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(doc: RuleDoc, key: string, required: boolean): string | undefined {
  const v = doc.value[key];
  if (v === undefined || v === null) {
    if (required) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos([]), `missing "${key}"`);
    return undefined;
  }
  if (typeof v !== 'string') throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos([key]), `"${key}" must be a string`);
  return v;
}

/** Reads `logsource` (product, category, service; other keys are descriptive). */
export function parseLogSource(doc: RuleDoc, required: boolean): LogSource {
  const ls = doc.value['logsource'];
  if (ls === undefined && !required) return {};
  if (!isMap(ls)) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(ls === undefined ? [] : ['logsource']), 'missing or invalid "logsource"');
  const out: { product?: string; category?: string; service?: string } = {};
  for (const k of ['product', 'category', 'service'] as const) {
    const v = ls[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['logsource', k]), `logsource.${k} must be a string`);
    out[k] = v.toLowerCase();
  }
  return out;
}

/** Parses one document. */
export function parseRule(doc: RuleDoc, ph: Placeholders | undefined): ParsedRule {
  const title = str(doc, 'title', true)!;
  const id = str(doc, 'id', false);
  const name = str(doc, 'name', false);
  const lv = doc.value['level'];
  if (lv !== undefined && (typeof lv !== 'string' || !LEVELS.includes(lv.toLowerCase() as SigmaLevel))) {
    throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['level']), `level must be one of ${LEVELS.join(', ')}`);
  }
  const base = {
    title,
    ...(id !== undefined ? { id } : {}),
    ...(name !== undefined ? { name } : {}),
    level: (typeof lv === 'string' ? lv.toLowerCase() : 'medium') as SigmaLevel,
    pos: doc.pos([]),
    docIndex: doc.index,
  };
  if (doc.value['correlation'] !== undefined) return { kind: 'correlation', ...base, ...parseCorrelation(doc) };
  const filter = doc.value['filter'];
  if (filter !== undefined && doc.value['detection'] === undefined) {
    if (!isMap(filter)) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['filter']), 'filter must be a map');
    const { rules, ...det } = filter;
    const list = rules === undefined ? [] : Array.isArray(rules) ? rules : [rules];
    list.forEach((r, i) => {
      if (typeof r !== 'string') throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['filter', 'rules', i]), 'filter.rules lists rule ids or names');
    });
    const sub: RuleDoc = { ...doc, pos: (p) => doc.pos(p[0] === 'detection' ? ['filter', ...p.slice(1)] : p), posAt: (p, o) => doc.posAt(p[0] === 'detection' ? ['filter', ...p.slice(1)] : p, o) };
    return { kind: 'filter', ...base, logsource: parseLogSource(doc, false), rules: list as string[], expr: parseDetection(sub, det, ph) };
  }
  const tags = Array.isArray(doc.value['tags']) ? doc.value['tags'].filter((t): t is string => typeof t === 'string') : [];
  return { kind: 'detection', ...base, logsource: parseLogSource(doc, true), expr: parseDetection(doc, doc.value['detection'], ph), tags };
}
