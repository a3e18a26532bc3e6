/**
 * What the ClickHouse backend does not do, in words: the store contract's skip reasons for it
 * (both the chDB and the clickhouse-server suites).
 */
export const CLICKHOUSE_LIMITS = {
  /**
   * Measured on 18.16 and 26.x (`JSONEachRow` inserts): the only row either refuses is a string
   * with a lone UTF-16 surrogate (Code 25, "missing second part of surrogate pair"), and the
   * shared parsers quarantine that before any store sees it. Every other value a parsed event
   * can hold is taken: strings of any bytes (NUL, tens of MB), and numbers, which the parsers
   * range-check (both servers would wrap an out-of-range integer silently rather than refuse).
   * So there is no refused row to isolate, and a refused insert fails the load.
   */
  isolation: 'the ClickHouse backend has no row isolation: neither 18.16 nor 26.x refuses any row the parsers accept (the one row they refuse, a lone UTF-16 surrogate, the parsers quarantine first), so a refused insert fails the whole commit load',
} as const;
