/**
 * The `detection` section: search identifiers (maps, lists of maps, keyword lists) and the
 * condition that combines them. Errors point at the offending key or value.
 */
import { ConditionError, parseCondition } from './condition.js';
import type { RuleDoc } from './document.js';
import { SigmaRuleError } from './located.js';
import type { YamlPath } from './located.js';
import { ModifierError, fieldExpr } from './modifiers.js';
import type { Placeholders } from './modifiers.js';
import type { Expr } from './types.js';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function mapExpr(doc: RuleDoc, path: YamlPath, m: Record<string, unknown>, ph: Placeholders | undefined): Expr {
  const keys = Object.keys(m);
  if (keys.length === 0) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(path), 'empty selection map');
  const xs = keys.map((key) => {
    const [name = '', ...mods] = key.split('|');
    try {
      return fieldExpr(name === '' ? null : name, mods, m[key], ph);
    } catch (e) {
      if (!(e instanceof ModifierError)) throw e;
      const at = e.valueIndex === undefined ? [...path, key] : [...path, key, e.valueIndex];
      throw new SigmaRuleError(e.code, doc.pos(at), `${key}: ${e.message}`);
    }
  });
  return xs.length === 1 ? xs[0]! : { k: 'and', xs };
}

/** One search identifier's expression. */
function identExpr(doc: RuleDoc, name: string, v: unknown, ph: Placeholders | undefined): Expr {
  const path = ['detection', name];
  if (isMap(v)) return mapExpr(doc, path, v, ph);
  if (Array.isArray(v)) {
    if (v.length === 0) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(path), `search identifier "${name}" is an empty list`);
    const xs = v.map((item, i): Expr => {
      if (isMap(item)) return mapExpr(doc, [...path, i], item, ph);
      if (Array.isArray(item)) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos([...path, i]), 'nested lists are not Sigma');
      try { return fieldExpr(null, [], item, ph); } catch (e) {
        if (e instanceof ModifierError) throw new SigmaRuleError(e.code, doc.pos([...path, i]), e.message);
        throw e;
      }
    });
    return xs.length === 1 ? xs[0]! : { k: 'or', xs };
  }
  throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(path), `search identifier "${name}" must be a map or a list`);
}

/** Parses `detection` (at `base`, normally `['detection']`) into one expression. */
export function parseDetection(doc: RuleDoc, det: unknown, ph: Placeholders | undefined): Expr {
  if (!isMap(det)) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['detection']), 'detection must be a map');
  const idents = new Map<string, Expr>();
  for (const [name, v] of Object.entries(det)) {
    if (name === 'condition' || name === 'timeframe') continue;
    idents.set(name, identExpr(doc, name, v, ph));
  }
  const cond = det['condition'];
  if (cond === undefined) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['detection']), 'detection has no condition');
  const conds = Array.isArray(cond) ? cond : [cond];
  if (conds.length === 0) throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(['detection', 'condition']), 'empty condition list');
  const xs = conds.map((c, i) => {
    const path = Array.isArray(cond) ? ['detection', 'condition', i] : ['detection', 'condition'];
    if (typeof c !== 'string') throw new SigmaRuleError('ERR_SIGMA_RULE', doc.pos(path), 'a condition must be a string');
    try { return parseCondition(c, idents); } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      throw new SigmaRuleError(e.unsupported ? 'ERR_SIGMA_UNSUPPORTED' : 'ERR_SIGMA_RULE', doc.posAt(path, e.offset), `condition: ${e.message}`);
    }
  });
  // A list of conditions: the rule matches when any of them does.
  return xs.length === 1 ? xs[0]! : { k: 'or', xs };
}
