/**
 * Public types of the simulator: scenario names, options, progress and the run report.
 */

/** Every scenario the simulator can play. */
export const SCENARIOS = [
  'benign',
  'forged-token',
  'forged-token-swarm',
  'token-replay',
  'credential-stuffing',
  'insider-console',
  'unauthenticated-enumeration',
  'cross-account-harvest',
  'honey-account-hit',
  'ledger-gap',
  'archive-edges',
  'clock-skew',
  'forged-token-feed-faults',
] as const;

/** One of {@link SCENARIOS}. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** Scenarios without an attack: a well-run platform, with or without feed faults. */
export const BENIGN_SCENARIOS: readonly ScenarioName[] = ['benign', 'ledger-gap', 'archive-edges', 'clock-skew'];

/** True when `s` has no attack. */
export function isBenign(s: ScenarioName): boolean {
  return BENIGN_SCENARIOS.includes(s);
}

/** Progress after each simulated day. */
export interface SimProgress {
  /** Days finished so far (1-based). */
  readonly day: number;
  readonly days: number;
  /** Access events written so far. */
  readonly events: number;
}

/** Options of {@link simulate}. */
export interface SimOptions {
  readonly scenario: ScenarioName;
  /** Number of customer accounts (1 … 50,000,000; measured at 5M: `npm run bench -- simulate`). */
  readonly accounts: number;
  /** Number of simulated days (≥ 1). */
  readonly days: number;
  /** Same seed → byte-identical output. */
  readonly seed: number;
  /** Output folder (created if missing). */
  readonly out: string;
  /** UTC midnight the run starts at, RFC 3339 (or a bare `YYYY-MM-DD`); default `2025-06-01T00:00:00Z`. */
  readonly start?: string;
  /** Write access files as `.ndjson.gz`. */
  readonly gzip?: boolean;
  readonly onProgress?: (p: SimProgress) => void;
}

/** What a run produced. */
export interface SimReport {
  readonly scenario: ScenarioName;
  /** Access events written. */
  readonly events: number;
  /** Ledger records written. */
  readonly ledgerRecords: number;
  /** Files written, relative to `out`, sorted. */
  readonly files: string[];
  /** RFC 3339 time of the first attacker request (absent for `benign`). */
  readonly attackFirstRequest?: string;
  /** Accounts whose personal data reached the attacker. */
  readonly affected: number;
  /** Attacker requests among `events`. */
  readonly attackRequests: number;
}
