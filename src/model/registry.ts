/**
 * Reference data: the key registry, the staff roster and the API catalog (contract inputs 3–5),
 * normalized (times as epoch ms).
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

/** All reference data a run has (each part may be empty). */
export interface ReferenceData {
  readonly keys: readonly KeyRecord[];
  readonly staff: readonly StaffMember[];
  readonly catalog: readonly CatalogRoute[];
}
