/**
 * Log-source selection: a rule applies to an input when every key its `logsource` names
 * (product, category, service) equals what the input declares. Parsing `product=X,category=Y`.
 */
import { BreachwatchError } from '../model/index.js';
import type { LogSource } from './types.js';

/** Log sources an access-event input declares by default (API gateway logs). */
export const ACCESS_LOGSOURCES: readonly LogSource[] = [{ category: 'webserver' }, { category: 'proxy' }];

/** True when `rule` selects an input declaring any of `declared`. */
export function logsourceMatches(rule: LogSource, declared: readonly LogSource[]): boolean {
  return declared.some((d) =>
    (rule.product === undefined || rule.product === d.product) &&
    (rule.category === undefined || rule.category === d.category) &&
    (rule.service === undefined || rule.service === d.service));
}

/** Parses `product=X,category=Y,service=Z` (any subset). */
export function parseLogSourceArg(s: string): LogSource {
  const out: { product?: string; category?: string; service?: string } = {};
  for (const part of s.split(',')) {
    const [k, v, extra] = part.split('=').map((x) => x.trim());
    if (extra !== undefined || !v || (k !== 'product' && k !== 'category' && k !== 'service')) {
      throw new BreachwatchError('ERR_USAGE', `--logsource: expected product=X,category=Y,service=Z, got "${part}"`);
    }
    out[k] = v.toLowerCase();
  }
  return out;
}
