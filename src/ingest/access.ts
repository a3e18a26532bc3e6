/**
 * Parses one access-event line (contract input 1) into an {@link AccessEvent}. Pure and
 * synchronous: a `jwt` is decoded here and its signature check deferred to the
 * {@link JwtChecker} (see its `settle`). Bad input is returned as issues, never thrown.
 * Fields are read with constant keys so that V8 keeps the loads monomorphic (hot path).
 */
import type { AccessEvent, ParseResult, SourceRef, TokenClaims } from '../model/index.js';
import type { Catalog } from './catalog.js';
import { FieldChecker, parseObject } from './fields.js';
import { JwtChecker } from './jwt.js';

/** What access-line parsing may use. */
export interface AccessParseOptions {
  /** Resolves `path`-only events to a templated route. Without it they are `unknown_route`. */
  readonly catalog?: Catalog;
  /**
   * Decodes `jwt`s and checks signatures. When a registry key exists for the token's `kid`, the
   * returned event's `sig` is set only after `jwt.settle()` resolves.
   */
  readonly jwt?: JwtChecker;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The fields of a `token` object, as JSON.parse gives them. */
interface RawToken {
  jti?: unknown; kid?: unknown; sub?: unknown; iat?: unknown; exp?: unknown; client_id?: unknown; iss?: unknown;
}

/** The fields of an access line, as JSON.parse gives them. */
interface RawAccess {
  time?: unknown; src_ip?: unknown; method?: unknown; route?: unknown; path?: unknown; status?: unknown;
  token?: unknown; jwt?: unknown; account_id?: unknown; request_id?: unknown; user_agent?: unknown;
  device_id?: unknown; session_id?: unknown; bytes?: unknown; records?: unknown; country?: unknown; asn?: unknown;
}

const noKeys = new JwtChecker();

/** True when `s` has an ASCII lower-case letter (cheaper than always calling toUpperCase). */
function hasLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}
const fc = new FieldChecker(); // reused: parsing is synchronous

/** Reads the `token` object form. */
function tokenOf(v: unknown): TokenClaims | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    fc.add('bad_type', 'token', 'token must be an object');
    return undefined;
  }
  const o = v as RawToken;
  const jti = fc.reqString(o.jti, 'token.jti');
  const kid = fc.reqString(o.kid, 'token.kid');
  const sub = fc.reqString(o.sub, 'token.sub');
  const iat = fc.reqNumber(o.iat, 'token.iat');
  const exp = fc.reqNumber(o.exp, 'token.exp');
  const client_id = fc.optString(o.client_id, 'token.client_id');
  const iss = fc.optString(o.iss, 'token.iss');
  if (jti === undefined || kid === undefined || sub === undefined || iat === undefined || exp === undefined) return undefined;
  const t: Mutable<TokenClaims> = { jti, kid, sub, iat, exp };
  if (client_id !== undefined) t.client_id = client_id;
  if (iss !== undefined) t.iss = iss;
  return t;
}

/** Resolves a `path` through the catalog (the event had no `route`). */
function resolve(path: string | undefined, method: string | undefined, catalog: Catalog | undefined): string | undefined {
  if (path === undefined) {
    fc.add('missing_field', 'route', 'route (or path) is required');
    return undefined;
  }
  if (method === undefined) return undefined;
  const route = catalog?.resolvePath(method, path);
  if (route === undefined) fc.add('unknown_route', 'path', `no catalog route matches ${method} ${path.slice(0, 100)}`);
  return route;
}

/** Reads the token, from `jwt` (decoded, signature check deferred) or the `token` object. */
function claimsOf(o: RawAccess, checker: JwtChecker): TokenClaims | undefined {
  const jwt = o.jwt;
  if (typeof jwt === 'string') {
    const d = checker.decode(jwt);
    // The claims of a jwt face the same ranges as the token object's.
    if (d.ok) return fc.reqNumber(d.claims.iat, 'token.iat') !== undefined && fc.reqNumber(d.claims.exp, 'token.exp') !== undefined ? d.claims : undefined;
    fc.add('bad_jwt', 'jwt', d.message);
    return undefined;
  }
  if (jwt !== undefined && jwt !== null) fc.add('bad_type', 'jwt', 'jwt must be a string');
  return tokenOf(o.token);
}

/**
 * Parses one access line. `account_id` defaults to `token.sub`; `asn` becomes a string;
 * unknown fields are ignored; `raw` is set when no `jwt` or `path` resolution was needed.
 */
export function parseAccessLine(text: string, ref: SourceRef, opts: AccessParseOptions = {}): ParseResult<AccessEvent> {
  fc.issues = undefined;
  const o = parseObject(text, fc) as RawAccess | undefined;
  if (o === undefined) return { ok: false, issues: fc.issues ?? [] };
  const t = fc.time(o.time);
  const src_ip = fc.reqString(o.src_ip, 'src_ip');
  const given = fc.reqString(o.method, 'method');
  const method = given === undefined || !hasLowerCase(given) ? given : given.toUpperCase();
  const status = fc.reqNumber(o.status, 'status');
  let route = o.route;
  // `path` is kept even when `route` is given: Sigma's URI fields (c-uri, cs-uri-query) need it.
  const path = fc.optString(o.path, 'path');
  const routeGiven = typeof route === 'string';
  if (!routeGiven) {
    if (route !== undefined && route !== null) fc.add('bad_type', 'route', 'route must be a string');
    route = route === undefined || route === null ? resolve(path, method, opts.catalog) : undefined;
  }
  const checker = opts.jwt ?? noKeys;
  const token = claimsOf(o, checker);
  const account = fc.optString(o.account_id, 'account_id');
  const bytes = fc.optNumber(o.bytes, 'bytes');
  const records = fc.optNumber(o.records, 'records');
  let asn = o.asn;
  if (typeof asn === 'number') asn = fc.optNumber(asn, 'asn') === undefined ? undefined : String(asn);
  else if (asn !== undefined && asn !== null && typeof asn !== 'string') fc.add('bad_type', 'asn', 'asn must be a number or string');
  const request_id = fc.optId(o.request_id, 'request_id');
  const user_agent = fc.optString(o.user_agent, 'user_agent');
  const device_id = fc.optString(o.device_id, 'device_id');
  const session_id = fc.optString(o.session_id, 'session_id');
  const country = fc.optString(o.country, 'country');
  if (fc.issues !== undefined || t === undefined || src_ip === undefined || method === undefined || typeof route !== 'string' || status === undefined) {
    return { ok: false, issues: fc.issues ?? [] };
  }
  const e: Mutable<AccessEvent> = { kind: 'access', t, src_ip, method, route, status, ref };
  if (path !== undefined) e.path = path;
  if (token !== undefined) e.token = token;
  const account_id = account ?? token?.sub;
  if (account_id !== undefined) e.account_id = account_id;
  if (request_id !== undefined) e.request_id = request_id;
  if (user_agent !== undefined) e.user_agent = user_agent;
  if (device_id !== undefined) e.device_id = device_id;
  if (session_id !== undefined) e.session_id = session_id;
  if (bytes !== undefined) e.bytes = bytes;
  if (records !== undefined) e.records = records;
  if (country !== undefined) e.country = country;
  if (typeof asn === 'string') e.asn = asn;
  if (typeof o.jwt === 'string') checker.check(e, o.jwt);
  else if (routeGiven && method === given) e.raw = text;
  return { ok: true, value: e };
}
