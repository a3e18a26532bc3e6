/**
 * Spec clause: string values, wildcards `*` `?`, escapes, case-insensitive matching by default.
 */
import { describe, expect, it } from 'vitest';
import { hits } from '../../test/fixtures/sigma/helpers.js';
import { toPattern, tokenize } from './wildcard.js';

describe('wildcards and escapes', () => {
  it('tokenizes * and ? as wildcards and \\* \\? \\\\ as literals; other backslashes stay', () => {
    expect(tokenize('a*b?c')).toEqual(['a', { w: '*' }, 'b', { w: '?' }, 'c']);
    expect(tokenize('a\\*b\\?c\\\\d')).toEqual(['a*b?c\\d']);
    expect(tokenize('C:\\Windows\\')).toEqual(['C:\\Windows\\']);
    expect(tokenize('x\\\\*')).toEqual(['x\\', { w: '*' }]);
  });

  it('picks the cheapest test', () => {
    expect(toPattern(tokenize('abc'), false)).toEqual({ op: 'eq', lit: 'abc' });
    expect(toPattern(tokenize('AB*'), false)).toEqual({ op: 'prefix', lit: 'ab' });
    expect(toPattern(tokenize('*ab'), false)).toEqual({ op: 'suffix', lit: 'ab' });
    expect(toPattern(tokenize('**ab**'), false)).toEqual({ op: 'contains', lit: 'ab' });
    expect(toPattern(tokenize('a?c'), false).op).toBe('re');
    expect(toPattern(tokenize('a*c'), true).re?.flags).toBe('s');
  });

  it('matches whole values, case-insensitively by default', () => {
    expect(hits("sel:\n  cs-method: get\ncondition: sel", [{ method: 'GET' }, { method: 'GETX' }, {}])).toEqual([true, false, false]);
  });

  it('* spans any run (also empty), ? exactly one character', () => {
    const d = "sel:\n  c-uri: '/a*/b?'\ncondition: sel";
    expect(hits(d, [{ route: '/a/bc' }, { route: '/axyz/b1' }, { route: '/a/b' }, { route: '/a/b12' }])).toEqual([true, true, false, false]);
  });

  it('escaped wildcards match literally', () => {
    const d = "sel:\n  c-uri: '/x\\*y\\?'\ncondition: sel";
    expect(hits(d, [{ route: '/x*y?' }, { route: '/xAy?' }, { route: '/x*yZ' }])).toEqual([true, false, false]);
  });

  it('a lone * matches any present value but not a missing one', () => {
    expect(hits("sel:\n  cs-host: '*'\ncondition: sel", [{ host: '' }, { host: 'a' }, {}])).toEqual([true, true, false]);
  });

  it('numbers compare by string form; list-valued fields match on any element', () => {
    expect(hits("sel:\n  sc-status: 404\ncondition: sel", [{ status: 404 }, { status: '404' }, { status: 4040 }])).toEqual([true, true, false]);
    expect(hits("sel:\n  tags: b\ncondition: sel", [{ tags: ['a', 'B'] }, { tags: ['a'] }])).toEqual([true, false]);
  });

  it('null matches a missing or null field only; empty string matches only empty', () => {
    expect(hits("sel:\n  cs-host: null\ncondition: sel", [{}, { host: null }, { host: '' }])).toEqual([true, true, false]);
    expect(hits("sel:\n  cs-host: ''\ncondition: sel", [{}, { host: '' }, { host: 'x' }])).toEqual([false, true, false]);
  });
});
