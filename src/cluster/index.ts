/**
 * Partitioned detection over NATS JetStream: `ship` publishes parsed events partitioned by
 * key, `worker` runs one partition's detectors and stores into the shared (ClickHouse) store.
 * Routing, cost and what is exact: docs/CLUSTER.md.
 */
export { fnv1a32, partitionOf } from './fnv.js';
export { GLOBAL_PARTITION, KEYED_DETECTORS, KEY_KINDS, Router, isKeyed, owns, type KeyKind } from './routing.js';
export { MESSAGE_VERSION, decodeMessage, encodeMessage, subjectOf, type BatchMessage, type ClusterMessage, type EndMessage } from './message.js';
export { ship, type ShipOptions, type ShipSummary } from './ship.js';
export { worker, type WorkerOptions, type WorkerSummary } from './worker.js';
