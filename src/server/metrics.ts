/**
 * Prometheus metrics of the service (prom-client, its own registry): ingest rates per source,
 * quarantined lines per reason, duplicates, queue depth and 429s, lag (queue, reorder buffer,
 * event-time gap between the newest source and the engine), alerts by severity, checkpoints and
 * sink delivery counters. Counters that the pipeline owns are read at scrape time.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { LivePipeline } from '../live/index.js';
import type { Sinks } from '../live/index.js';
import type { StoreOperations } from '../store/index.js';
import { SEVERITIES } from '../model/index.js';

/** The metrics of one service. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly quarantined: Counter<'source' | 'reason'>;
  readonly requests: Counter<'route' | 'status'>;
  private alertCounts: Record<string, number> = {};

  constructor(pipeline: LivePipeline, sinks: Sinks, store?: Pick<StoreOperations, 'memoryBytes'>) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'breachwatch_process_' });
    this.quarantined = new Counter({ name: 'breachwatch_ingest_quarantined_total', help: 'Lines quarantined, by source and reason', labelNames: ['source', 'reason'], registers: [r] });
    this.requests = new Counter({ name: 'breachwatch_http_requests_total', help: 'HTTP requests by route template and status', labelNames: ['route', 'status'], registers: [r] });
    const last: Record<string, number> = {};
    new Counter({
      name: 'breachwatch_ingest_events_total', help: 'Events durably committed, by source', labelNames: ['source'], registers: [r],
      collect() {
        for (const [src, n] of Object.entries(pipeline.stats().committed)) {
          this.inc({ source: src }, n - (last[src] ?? 0));
          last[src] = n;
        }
      },
    });
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({ name, help, registers: [r], collect() { this.set(read()); } });
    };
    gauge('breachwatch_ingest_duplicates', 'Access events dropped as already stored (request_id), since start', () => pipeline.stats().duplicates);
    gauge('breachwatch_ingest_rejected_busy', 'Deliveries refused because the queue was full, since start', () => pipeline.stats().rejectedBusy);
    gauge('breachwatch_queue_events', 'Events waiting for commit', () => pipeline.stats().queueDepth);
    gauge('breachwatch_reorder_events', 'Committed events waiting for the source watermarks', () => pipeline.stats().reorderSize);
    gauge('breachwatch_commits', 'Group commits since start', () => pipeline.stats().commits);
    gauge('breachwatch_checkpoints', 'Checkpoints written since start', () => pipeline.stats().checkpoints);
    if (store !== undefined) {
      new Gauge({
        name: 'breachwatch_store_memory_bytes', help: 'Memory the store backend holds (DuckDB: buffer pool and allocations)', registers: [r],
        async collect() { const b = await store.memoryBytes().catch(() => undefined); if (b !== undefined) this.set(b); },
      });
    }
    gauge('breachwatch_detector_state_bytes', 'Estimated bytes of detector state (sketches, tables, alerts)', () => pipeline.engine.stateBytes());
    gauge('breachwatch_checkpoint_seconds', 'Wall seconds the last checkpoint took', () => pipeline.stats().lastCheckpointSeconds);
    gauge('breachwatch_engine_lag_seconds', 'Event time between the newest source watermark and the engine watermark', () => {
      const s = pipeline.stats();
      const wms = Object.values(s.sourceWatermarks);
      if (wms.length === 0 || s.watermark === null) return 0;
      return Math.max(0, Math.max(...wms) - s.watermark) / 1000;
    });
    new Gauge({
      name: 'breachwatch_source_watermark_seconds', help: 'Event-time watermark of each source (Unix seconds)', labelNames: ['source'], registers: [r],
      collect() { for (const [s, t] of Object.entries(pipeline.stats().sourceWatermarks)) this.set({ source: s }, t / 1000); },
    });
    const counts = (): Record<string, number> => this.alertCounts;
    new Gauge({
      name: 'breachwatch_alerts', help: 'Alerts held by the engine, by severity', labelNames: ['severity'], registers: [r],
      collect() {
        const c: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
        for (const a of pipeline.engine.alerts()) c[a.severity] = (c[a.severity] ?? 0) + 1;
        Object.assign(counts(), c);
        for (const [s, n] of Object.entries(c)) this.set({ severity: s }, n);
      },
    });
    new Gauge({
      name: 'breachwatch_sink_alerts', help: 'Sink deliveries by outcome (delivered, failed, dropped, queued)', labelNames: ['sink', 'outcome'], registers: [r],
      collect() {
        for (const { name, stats } of sinks.stats()) {
          for (const [k, v] of Object.entries(stats) as [string, number][]) this.set({ sink: name, outcome: k }, v);
        }
      },
    });
  }

  /** Counts a delivery's quarantined lines. */
  countQuarantine(source: string, reasons: Record<string, number>): void {
    for (const [reason, n] of Object.entries(reasons)) this.quarantined.inc({ source, reason }, n);
  }
}
