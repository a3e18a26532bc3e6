/**
 * The escaping module on hostile input. That the server reads each literal back exactly is
 * checked on a real 18.16 (`clickhouse.test.ts`) and on chDB 26.x (`chdb.test.ts`).
 */
import { describe, expect, it } from 'vitest';
import { HOSTILE } from '../../../test/fixtures/store/hostile.js';
import { isIdentifier, sqlIdent, sqlInt, sqlNullableString, sqlString, sqlStringArray, sqlStringList } from './escape.js';

describe('sqlString', () => {
  it('quotes, and escapes backslash, quote and every control character', () => {
    expect(sqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
    expect(sqlString('x\u0000y\nz\u0007')).toBe("'x\\0y\\nz\\x07'");
    expect(sqlString('é☃')).toBe("'é☃'");
  });

  it('never lets a quote or backslash through unescaped', () => {
    for (const s of HOSTILE) {
      const body = sqlString(s).slice(1, -1);
      // Reading the body left to right, every backslash starts a two-character escape, and no bare quote is left.
      // eslint-disable-next-line no-control-regex
      expect(body.replace(/\\./g, ''), JSON.stringify(s)).not.toMatch(/['\\\u0000-\u001f\u007f]/);
    }
  });

  it('writes NULL for a missing string', () => {
    expect(sqlNullableString(null)).toBe('NULL');
    expect(sqlNullableString(undefined)).toBe('NULL');
    expect(sqlNullableString("'")).toBe("'\\''");
  });
});

describe('lists, numbers and identifiers', () => {
  it('builds arrays and IN lists of escaped strings', () => {
    expect(sqlStringArray([])).toBe('CAST([] AS Array(String))');
    expect(sqlStringArray(["a'", 'b'])).toBe("['a\\'', 'b']");
    expect(sqlStringList(['x'])).toBe("('x')");
    expect(() => sqlStringList([])).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });

  it('accepts only safe integers', () => {
    expect(sqlInt(42)).toBe('42');
    expect(sqlInt(-7)).toBe('-7');
    for (const bad of [NaN, Infinity, 1.5, 2 ** 60]) expect(() => sqlInt(bad)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });

  it('back-quotes plain identifiers and refuses anything else', () => {
    expect(sqlIdent('breachwatch_1')).toBe('`breachwatch_1`');
    for (const bad of ['', '1db', 'a-b', 'a`b', 'a b', 'db.t', 'é']) {
      expect(isIdentifier(bad)).toBe(false);
      expect(() => sqlIdent(bad)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    }
  });
});
