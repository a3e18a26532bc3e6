/**
 * The live stage: the pipeline behind `breachwatch serve` (bounded queue, group commit,
 * journal, per-source watermarks, the engine, checkpoints), delivery parsing, sinks and the
 * NATS JetStream consumer.
 */
export { LivePipeline, type LiveOptions, type LiveStats, type LiveStore } from './pipeline.js';
export type { LiveLog } from './log.js';
export type { CommitOutcome } from './ingest-queue.js';
export { parseDelivery, JwtSettler, type ParsedDelivery, type ParseContext, type EventKind, type LineError } from './parse-lines.js';
export { Sinks, type SinkSpec } from './sinks/build.js';
export { signBody, slackText } from './sinks/http-sinks.js';
export { Reorder, type ReorderOptions } from './reorder.js';
export { RecentIds } from './recent-ids.js';
export { startJetStream, type JetStreamConsumer, type JetStreamTarget, type NatsSettings } from './nats.js';
export { type Checkpoint, CHECKPOINT_VERSION, checkpointPath } from './checkpoint.js';
export { JOURNAL_VERSION } from './journal.js';
