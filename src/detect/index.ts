/**
 * The detect stage's public API: the engine, the alert manager's types, the built-in
 * detectors and `createDetectors`, which builds the default set (the engine owns the ledger,
 * coverage and clock state they share).
 *
 * @example
 * const engine = new Engine({ detectors: createDetectors(), ref, settings: { allowedLatenessMs: 60_000 } });
 * engine.push(batch);            // events in event-time order
 * store.upsertAlerts(engine.drainChangedAlerts());
 * store.addIndicators(engine.drainIndicators());
 * engine.finish();               // end of a hunt
 */
import type { ReferenceData } from '../model/index.js';
import type { Detector, DetectSettings } from './detector.js';
import { KeyCustodyDetector } from './detectors/key-custody.js';
import { KeyStateDetector } from './detectors/key-state.js';
import { ManyAccountsDetector, type ManyAccountsOptions } from './detectors/many-accounts.js';
import { PersonalDataVolumeDetector, type VolumeOptions } from './detectors/personal-data-volume.js';
import { TokenBindingDetector } from './detectors/token-binding.js';
import { UnissuedTokenDetector } from './detectors/unissued-token.js';
import { CredentialStuffingDetector, type CredentialStuffingOptions } from './detectors/credential-stuffing.js';
import { UnauthenticatedExposureDetector } from './detectors/unauthenticated-exposure.js';
import { CrossAccountDetector, type CrossAccountOptions } from './detectors/cross-account.js';
import { HoneyReadDetector } from './detectors/honey-read.js';
import { FeedHealthDetector } from './detectors/feed-health.js';

export { Engine, type EngineOptions, type EngineSnapshot, type DeadlineAware } from './engine.js';
export { AlertManager, type AlertIndicator, type AlertManagerState } from './alert-manager.js';
export { alertId } from './alert-id.js';
export { type Suppression, isSuppressed } from './suppression.js';
export { RouteTable, makeContext, type RouteInfo } from './context.js';
export { FeedState, type CoverageReport, type FeedSnapshot } from './feed/feed-state.js';
export type { ClockReport } from './feed/clock.js';
export type { LedgerGap, Blind } from './feed/coverage.js';
export { judgeUnrecorded, type Judgement } from './feed/verdict.js';
export { FeedHealthDetector } from './detectors/feed-health.js';
export { LedgerIndex, LedgerRecord, EPOCH_S, type LedgerOptions } from './ledger.js';
export { CampaignBook, type CampaignOptions } from './campaign.js';
export { hash32, hash30 } from './hash.js';
export { DistinctCounter } from './sketch/distinct-counter.js';
export { SlidingHll } from './sketch/sliding-hll.js';
export { UnissuedTokenDetector, type UnissuedTokenOptions } from './detectors/unissued-token.js';
export { KeyStateDetector } from './detectors/key-state.js';
export { KeyCustodyDetector, auditKeys, type CustodyVerdict } from './detectors/key-custody.js';
export { TokenBindingDetector } from './detectors/token-binding.js';
export { ManyAccountsDetector, type ManyAccountsOptions } from './detectors/many-accounts.js';
export { CredentialStuffingDetector, isFailedLogin, type CredentialStuffingOptions } from './detectors/credential-stuffing.js';
export { PersonalDataVolumeDetector, type VolumeOptions } from './detectors/personal-data-volume.js';
export { UnauthenticatedExposureDetector, type UnauthenticatedExposureOptions } from './detectors/unauthenticated-exposure.js';
export { CrossAccountDetector, DEFAULT_CROSS_ACCOUNT, mayCrossAccounts, type CrossAccountOptions } from './detectors/cross-account.js';
export { HoneyReadDetector, type HoneyReadOptions } from './detectors/honey-read.js';
export { DEFAULT_EXPOSURE_EMIT_EVERY_MS } from './detectors/tally.js';
export { ClientRegistry, clientsOf } from './clients.js';
export { HoneyMatcher, honeyDigest } from './honey.js';
export { DEFAULT_DETECT_SETTINGS, type Detector, type DetectContext, type DetectSettings } from './detector.js';

/** Names of the built-in detectors, in the order `createDetectors` runs them. */
export const BUILTIN_DETECTORS = [
  'unissued-token', 'key-state', 'key-custody', 'token-binding', 'credential-stuffing', 'many-accounts-per-source',
  'personal-data-volume', 'unauthenticated-exposure', 'cross-account-access', 'honey-account-read', 'feed-health',
] as const;

/** Options for {@link createDetectors}. */
export interface CreateDetectorsOptions {
  /** Overrides; detectors otherwise read the engine's settings from their context at start. */
  readonly settings?: Partial<DetectSettings>;
  /** Accepted for convenience; detectors read reference data from the engine's context. */
  readonly ref?: ReferenceData;
  /** Build only these detectors (default: all built-ins). */
  readonly only?: readonly string[];
  readonly manyAccounts?: ManyAccountsOptions;
  readonly volume?: VolumeOptions;
  readonly credentialStuffing?: CredentialStuffingOptions;
  readonly crossAccount?: CrossAccountOptions;
}

/**
 * Builds the default detector set (`feed-health` last: it reports on what the others judged).
 * The ledger they share is the engine's (`DetectContext.ledger`), whatever the set.
 */
export function createDetectors(opts: CreateDetectorsOptions = {}): Detector[] {
  const lateness = opts.settings?.allowedLatenessMs;
  const want = (n: string): boolean => opts.only === undefined || opts.only.includes(n);
  const out: Detector[] = [];
  if (want('unissued-token')) out.push(new UnissuedTokenDetector(lateness !== undefined ? { allowedLatenessMs: lateness } : {}));
  if (want('key-state')) out.push(new KeyStateDetector());
  if (want('key-custody')) out.push(new KeyCustodyDetector());
  if (want('token-binding')) out.push(new TokenBindingDetector());
  if (want('credential-stuffing')) out.push(new CredentialStuffingDetector(opts.credentialStuffing));
  if (want('many-accounts-per-source')) out.push(new ManyAccountsDetector(opts.manyAccounts));
  if (want('personal-data-volume')) out.push(new PersonalDataVolumeDetector(opts.volume));
  if (want('unauthenticated-exposure')) out.push(new UnauthenticatedExposureDetector());
  if (want('cross-account-access')) out.push(new CrossAccountDetector(opts.crossAccount));
  if (want('honey-account-read')) out.push(new HoneyReadDetector());
  if (want('feed-health')) out.push(new FeedHealthDetector());
  return out;
}
