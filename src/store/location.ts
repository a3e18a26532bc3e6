/**
 * Where a store lives, as each backend understands it. The composition layer parses store
 * URLs into these (`src/compose/store-url.ts`); a backend's `StoreBackend` opens its own kind.
 */

/** A DuckDB store's location. */
export interface DuckDbStoreLocation {
  readonly scheme: 'duckdb';
  /** A file path, or `:memory:`. */
  readonly path: string;
}

/** A ClickHouse server's location (the backend interprets `settings`). */
export interface ClickHouseStoreLocation {
  readonly scheme: 'clickhouse';
  readonly protocol: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username?: string;
  /** Kept for the backend only: never logged or shown (see `describeStore`). */
  readonly password?: string;
  /** Query parameters of the URL, for the backend to validate. */
  readonly settings: Readonly<Record<string, string>>;
}

/** Where a store lives. */
export type StoreLocation = DuckDbStoreLocation | ClickHouseStoreLocation;

/** The URL schemes a store location can have. */
export type StoreScheme = StoreLocation['scheme'];
