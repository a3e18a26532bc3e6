/**
 * The composition layer: one place builds what every command runs on — the store, from a
 * store URL and a use (`bulk` for hunt, `live` for serve, `read` for scope), and the detector
 * set, from settings with one source of defaults (`DEFAULTS` in the model).
 *
 * @example
 * const store = await openStore('duckdb:breachwatch.duckdb', 'bulk', { fresh: true });
 * const settings = detectSettings({ allowedLatenessMs: 60_000 });
 * const detectors = await buildDetectors(settings, ref, { sigma: ['rules/'] });
 */
export { parseStoreUrl, describeStore, resolveStoreUrl } from './store-url.js';
export { STORE_PROFILES } from './profiles.js';
export { openStore, storeLocation, storeProfile, type OpenStoreOptions } from './open-store.js';
export { buildDetectors, detectSettings, type DetectorChoice } from './detectors.js';
export { quarantineBeside } from './sidecar.js';
