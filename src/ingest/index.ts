/**
 * Ingest stage: reference-data loaders, the catalog, line parsers, the line reader, the
 * quarantine, and the event-time-ordered event stream over access and ledger files.
 */
export { Catalog } from './catalog.js';
export { loadKeys } from './reference/keys.js';
export { loadStaff } from './reference/staff.js';
export { loadCatalog } from './reference/catalog-file.js';
export { loadClients } from './reference/clients.js';
export { loadHoney } from './reference/honey.js';
export { loadReference } from './reference/load.js';
export type { ReferencePaths } from './reference/load.js';
export { parseAccessLine } from './access.js';
export type { AccessParseOptions } from './access.js';
export { parseLedgerLine } from './ledger.js';
export { JwtChecker } from './jwt.js';
export type { DecodedJwt, SigTarget } from './jwt.js';
export { parseEventTime } from './event-time.js';
export { readLines } from './lines.js';
export type { BadLine, LineBatch, ReadLinesOptions } from './lines.js';
export { QuarantineWriter } from './quarantine.js';
export type { QuarantineRecord } from './quarantine.js';
export { RequestIdDedup, DEFAULT_DEDUP_HORIZON_MS } from './dedup.js';
export { IdHashSet } from './id-hash-set.js';
export { openEventStream } from './stream.js';
export type { EventStream, EventStreamOptions, IngestProgress } from './stream.js';
export type { FileStats, IngestStats } from './stats.js';
export { loadDocument } from './reference/source-text.js';
export { parseYamlDoc, readText, validate } from './reference/source-text.js';
export type { ParsedDoc } from './reference/source-text.js';
