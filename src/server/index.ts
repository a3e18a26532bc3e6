/**
 * The server stage: `breachwatch serve`'s HTTP application, its config and the composition
 * root that wires ingest, the live pipeline, the store and the API together.
 *
 * @example
 * const service = await startService(await loadConfig('serve.yaml'));
 * // … later
 * await service.close();
 */
export { startService, type Service, type ServiceOptions } from './service.js';
export { loadConfig, parseConfigText, applyEnv, type ConfigProblem } from './config-load.js';
export { configSchema, type ServeConfig, type ApiKeyConfig, type SinkConfig, type Role } from './config-schema.js';
export { hashKey, ApiKeys, type Principal } from './auth.js';
export { buildApp, listRoutes } from './app.js';
export { OPENAPI } from './openapi.js';
export { otlpToLines, recordToLine } from './otlp-map.js';
export { REDACT_PATHS, loggerOptions } from './logger.js';
