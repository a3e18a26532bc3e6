/**
 * What the ClickHouse backend does not do yet, in words: the store contract's skip reasons
 * for it (both the chDB and the clickhouse-server suites) and the refusals it answers with.
 */
export const CLICKHOUSE_LIMITS = {
  isolation: 'the ClickHouse backend does not isolate refused rows yet: a row it refuses fails the whole commit load (the parsers quarantine the one such row known, a lone UTF-16 surrogate, before any store sees it)',
} as const;
