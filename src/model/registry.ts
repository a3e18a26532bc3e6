/**
 * Reference data: the key registry, the staff roster, the API catalog, the client registry and
 * the honey-account list (contract inputs 3–5, 7, 8), normalized (times as epoch ms).
 */
import type { JWK } from 'jose';

/** Where a signing key's private half lives. */
export type KeyStorage = 'hsm' | 'kms' | 'file' | 'env' | 'unknown';

/** One signing key the platform ever used. */
export interface KeyRecord {
  readonly kid: string;
  readonly alg: string;
  readonly created: number;
  readonly activated: number | null;
  readonly retired: number | null;
  readonly revoked: number | null;
  readonly storage: KeyStorage;
  readonly max_token_ttl_s: number | null;
  /** Staff ids of everyone who could read the private key. */
  readonly custodians: readonly string[];
  readonly jwk?: JWK;
}

/** One member of staff. */
export interface StaffMember {
  readonly staff_id: string;
  readonly team: string;
  readonly role?: string;
  readonly joined?: number;
  /** Epoch ms when they left; absent while employed. */
  readonly left?: number;
}

/** What a route returns. */
export type RouteKind = 'personal' | 'browse' | 'cart' | 'checkout' | 'auth' | 'other';

/** One catalog entry. */
export interface CatalogRoute {
  readonly method: string;
  readonly route: string;
  readonly fields: readonly string[];
  readonly kind: RouteKind;
}

/**
 * What an API client may do (contract §7): `customer` acts only for its token's own `sub`;
 * `staff` (consoles) and `service` (batch jobs) act on other accounts by design.
 */
export type ClientKind = 'customer' | 'staff' | 'service';

/** One registered API client. */
export interface ClientRecord {
  readonly client_id: string;
  readonly kind: ClientKind;
  readonly owner?: string;
}

/**
 * Planted honey accounts (contract §8). With a `salt`, `entries` are lower-case hex
 * SHA-256(salt + account id) digests, so the list does not say which accounts are planted;
 * without one they are the account ids themselves. Never logged.
 */
export interface HoneyList {
  readonly salt: string | null;
  readonly entries: ReadonlySet<string>;
}

/** All reference data a run has (each part may be empty; `clients` and `honey` may be absent). */
export interface ReferenceData {
  readonly keys: readonly KeyRecord[];
  readonly staff: readonly StaffMember[];
  readonly catalog: readonly CatalogRoute[];
  /** Client registry; a client not listed is a `customer` client. */
  readonly clients?: readonly ClientRecord[];
  readonly honey?: HoneyList;
}
