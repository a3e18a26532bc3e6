/**
 * API-key authentication: keys are configured as the sha256 of the secret; a presented
 * `Authorization: Bearer <key>` is hashed and compared against every configured hash with
 * `timingSafeEqual` (all of them, so timing reveals nothing about which one matched). Roles:
 * `ingest` ⊂ nothing else, `analyst` reads, `admin` may do everything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ApiKeyConfig, Role } from './config-schema.js';
import { HttpError } from './http-error.js';

/** Who made a request. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

/** Roles that satisfy a requirement. */
const GRANTS: Record<Role, readonly Role[]> = {
  ingest: ['ingest', 'admin'],
  analyst: ['analyst', 'admin'],
  admin: ['admin'],
};

/** The sha256 hex of an API key (what the config stores). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Checks presented keys against configured hashes. */
export class ApiKeys {
  private readonly keys: { name: string; role: Role; hash: Buffer }[];

  constructor(config: readonly ApiKeyConfig[]) {
    this.keys = config.map((k) => ({ name: k.name, role: k.role, hash: Buffer.from(k.sha256.toLowerCase(), 'hex') }));
  }

  /** The principal of a presented key, or `undefined`. */
  identify(key: string): Principal | undefined {
    const h = createHash('sha256').update(key, 'utf8').digest();
    let found: Principal | undefined;
    for (const k of this.keys) {
      if (timingSafeEqual(h, k.hash) && found === undefined) found = { name: k.name, role: k.role };
    }
    return found;
  }

  /** Authenticates `req` and checks that its role grants `need`; throws 401/403 otherwise. */
  require(req: FastifyRequest, need: Role): Principal {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (m === null) throw new HttpError('ERR_UNAUTHORIZED', 'an API key is required (Authorization: Bearer <key>)');
    const p = this.identify(m[1] as string);
    if (p === undefined) throw new HttpError('ERR_UNAUTHORIZED', 'unknown API key');
    if (!GRANTS[need].includes(p.role)) throw new HttpError('ERR_FORBIDDEN', `this needs the ${need} role`);
    return p;
  }
}

/** An `onRequest` hook running a synchronous check (throws become the error response). */
export function guard(check: (req: FastifyRequest) => void): (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return (req, _reply, done) => {
    try {
      check(req);
      done();
    } catch (e) {
      done(e as Error);
    }
  };
}
