/**
 * What the ClickHouse backend does not do yet, in words: the store contract's skip reasons
 * for it (both the chDB and the clickhouse-server suites) and the refusals it answers with.
 */
export const CLICKHOUSE_LIMITS = {
  isolation: 'the ClickHouse backend does not isolate refused rows yet: a lone UTF-16 surrogate fails the whole commit load ("Cannot parse escape sequence"), so serve on ClickHouse stops storing on such a row',
  respond: 'incidents, saved scope runs, legal holds and retention are built for the DuckDB store only so far',
} as const;
