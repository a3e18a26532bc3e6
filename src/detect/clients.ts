/**
 * The client registry as detectors use it (contract §7): client_id → kind, where a client
 * not listed is a `customer` client, and the entity an alert about a token's principal names
 * (`client` for service tokens, otherwise the token's `sub` as an `account`).
 */
import type { ClientKind, Entity, ReferenceData, TokenClaims } from '../model/index.js';
import type { DetectContext } from './detector.js';

/** Grants a service (no person behind it) obtains its tokens with. */
const SERVICE_GRANTS: ReadonlySet<string> = new Set(['client_credentials', 'jwt-bearer', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);

/** client_id → kind, built once per reference data. */
export class ClientRegistry {
  private readonly kinds = new Map<string, ClientKind>();

  constructor(ref: ReferenceData) {
    for (const c of ref.clients ?? []) this.kinds.set(c.client_id, c.kind);
  }

  /** True when the registry lists at least one client. */
  get size(): number {
    return this.kinds.size;
  }

  /** The kind of `clientId`; unlisted (or absent) clients are `customer`. */
  kind(clientId: string | undefined): ClientKind {
    return clientId === undefined ? 'customer' : this.kinds.get(clientId) ?? 'customer';
  }

  /**
   * The entity an alert about this token's principal names: a service token (registry kind
   * `service`, a machine grant, or `sub` equal to its client id) is the `client`; anything
   * else is the `account` its `sub` names.
   */
  principal(tok: TokenClaims, grant?: string): Entity {
    const client = tok.client_id;
    const service = this.kind(client) === 'service' || (grant !== undefined && SERVICE_GRANTS.has(grant)) ||
      (client !== undefined && client === tok.sub);
    return service ? { type: 'client', id: client ?? tok.sub } : { type: 'account', id: tok.sub };
  }
}

const cache = new WeakMap<ReferenceData, ClientRegistry>();

/** The registry of `ctx`'s reference data (built on first use, then shared by every detector). */
export function clientsOf(ctx: DetectContext): ClientRegistry {
  let r = cache.get(ctx.ref);
  if (r === undefined) {
    r = new ClientRegistry(ctx.ref);
    cache.set(ctx.ref, r);
  }
  return r;
}
