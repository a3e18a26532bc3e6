/**
 * What every route of the service shares: config, keys, the live pipeline, the store,
 * reference data, parsing context, the audit log, metrics, scope jobs and incidents.
 */
import type { ReferenceData } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { JwtSettler, LivePipeline, ParseContext } from '../live/index.js';
import type { AuditLog } from './audit-log.js';
import type { IncidentDesk } from './incident-desk.js';
import type { ApiKeys } from './auth.js';
import type { ServeConfig } from './config-schema.js';
import type { ServiceMetrics } from './metrics.js';
import type { ScopeJobs } from './scope-jobs.js';

/** Shared by all routes. */
export interface AppContext {
  readonly config: ServeConfig;
  readonly keys: ApiKeys;
  readonly pipeline: LivePipeline;
  readonly store: Store;
  readonly ref: ReferenceData;
  readonly parse: ParseContext;
  readonly settler: JwtSettler;
  readonly audit: AuditLog;
  readonly metrics: ServiceMetrics;
  readonly scope: ScopeJobs;
  /** Incidents, their reports and evidence (the incidents home beside the store, or `incidents.home`). */
  readonly incidents: IncidentDesk;
}
