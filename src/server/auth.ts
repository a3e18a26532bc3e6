/**
 * API-key authentication: keys are configured as the sha256 of the secret; a presented
 * `Authorization: Bearer <key>` is hashed and compared against every configured hash with
 * `timingSafeEqual` (all of them, so timing reveals nothing about which one matched). Roles:
 * `ingest` ⊂ nothing else, `analyst` reads, `admin` may do everything.
 *
 * Every route names the role it needs (`config.role`), and one `onRequest` hook checks it —
 * before any body is read, for every route alike. An `/api/` or `/v1/` route that names none
 * needs `admin` (deny by default). Failed keys are throttled per address, keys already trusted
 * there excepted (see `auth-throttle.ts`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AuditLog } from './audit-log.js';
import { AuthThrottle } from './auth-throttle.js';
import type { ApiKeyConfig, Role } from './config-schema.js';
import { HttpError } from './http-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a route needs; `public` routes need no key. */
    role?: Role | 'public';
  }
  interface FastifyRequest {
    /** Who made the request, once authenticated. */
    principal?: Principal;
  }
}

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

/** The key of an `Authorization: Bearer <key>` header. */
function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
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

  /** The principal of the key `req` presents, or `undefined` (none, or unknown). */
  presented(req: FastifyRequest): Principal | undefined {
    const key = bearerOf(req);
    return key === undefined ? undefined : this.identify(key);
  }

  /** Authenticates `req` and checks that its role grants `need`; throws 401/403 otherwise. */
  require(req: FastifyRequest, need: Role): Principal {
    const key = bearerOf(req);
    if (key === undefined) throw new HttpError('ERR_UNAUTHORIZED', 'an API key is required (Authorization: Bearer <key>)');
    const p = this.identify(key);
    if (p === undefined) throw new HttpError('ERR_UNAUTHORIZED', 'unknown API key');
    if (!GRANTS[need].includes(p.role)) throw new HttpError('ERR_FORBIDDEN', `this needs the ${need} role`);
    return p;
  }
}

/** A route-level `onRequest` hook running a synchronous check (throws become the error response). */
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

/** Where authentication failures go. */
export interface AuthHookOptions {
  readonly keys: ApiKeys;
  readonly audit: AuditLog;
  readonly maxFailures: number;
  readonly windowS: number;
  /** How long a key that worked from an address stays trusted there while it is throttled, seconds. */
  readonly trustS: number;
}

/** The role a request needs: the route's own, else `admin` under `/api/` and `/v1/`, else none. */
function roleOf(req: FastifyRequest): Role | undefined {
  const role = req.routeOptions.config.role;
  if (role === 'public') return undefined;
  if (role !== undefined) return role;
  return /^\/(api|v1)\//.test(req.url) ? 'admin' : undefined;
}

/** Registers the authentication hook on `app` (before the routes). */
export function registerAuth(app: FastifyInstance, o: AuthHookOptions): void {
  const throttle = new AuthThrottle({
    maxFailures: o.maxFailures, windowMs: o.windowS * 1000, trustMs: o.trustS * 1000,
    onWindowEnd: (ip, failures, refused) => { app.log.warn({ ip, failures, refused }, 'authentication throttle window ended'); },
  });
  app.addHook('onRequest', async (req) => {
    const need = roleOf(req);
    if (need === undefined) return;
    const ip = req.ip;
    if (throttle.throttled(ip)) {
      // Only a key already trusted at this address gets past; any other, right or wrong, gets the same 429.
      const known = o.keys.presented(req);
      if (known === undefined || !throttle.trusted(ip, known.name)) {
        throttle.refuse(ip);
        throw new HttpError('ERR_RATE_LIMITED', 'too many failed authentications from this address; retry later', throttle.retryAfterS(ip));
      }
    }
    try {
      req.principal = o.keys.require(req, need);
      throttle.succeed(ip, req.principal.name);
    } catch (e) {
      if (e instanceof HttpError && e.code === 'ERR_UNAUTHORIZED') {
        const f = throttle.fail(ip);
        const route = req.routeOptions.url ?? 'unmatched';
        req.log.warn({ ip, count: f.count, route, throttled: f.limitReached }, 'authentication failed');
        await o.audit.write({ name: '-', role: 'none' }, 'auth_failed', route, { ip, detail: { count: f.count, reason: e.message } });
      }
      throw e;
    }
  });
}

/** The authenticated principal of `req` (set by the hook of {@link registerAuth}). */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === undefined) throw new HttpError('ERR_UNAUTHORIZED', 'an API key is required (Authorization: Bearer <key>)');
  return req.principal;
}
