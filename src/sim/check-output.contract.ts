/**
 * Test helper (not shipped): reads a simulator output folder and checks every file against
 * the data contract with a small hand-written validator (independent of src/ingest), and
 * returns what the truth-consistency tests need.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { parseRfc3339 } from '../model/index.js';

/** An access event as written (only the fields the tests look at are typed). */
export interface RawAccess {
  time: string;
  request_id: string;
  src_ip: string;
  method: string;
  route: string;
  status: number;
  account_id?: string;
  device_id?: string;
  records?: number;
  token?: { jti: string; kid: string; sub: string; iat: number; exp: number; client_id?: string };
}

/** A ledger record as written. */
export interface RawLedger {
  time: string;
  type?: 'revoke';
  jti: string;
  kid?: string;
  sub?: string;
  exp?: number;
  src_ip?: string;
  device_id?: string;
  grant?: string;
}

/** Everything read back from a run. */
export interface RunData {
  access: RawAccess[];
  ledger: RawLedger[];
  truth: Record<string, unknown> & { attack: Record<string, unknown> | null };
  personalRoutes: Set<string>;
  issues: string[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function lines(path: string): string[] {
  const raw = path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  if (raw.length > 0 && !raw.endsWith('\n')) throw new Error(`${path}: no final newline`);
  return raw.split('\n').slice(0, -1);
}

function checkAccess(e: Record<string, unknown>, where: string, issues: string[]): void {
  const bad = (m: string): void => void issues.push(`${where}: ${m}`);
  if (typeof e.time !== 'string' || parseRfc3339(e.time) === undefined) bad('time');
  if (typeof e.src_ip !== 'string' || !IPV4.test(e.src_ip)) bad('src_ip');
  if (typeof e.method !== 'string' || typeof e.route !== 'string') bad('method/route');
  if (typeof e.status !== 'number' || !Number.isInteger(e.status)) bad('status');
  if (typeof e.request_id !== 'string') bad('request_id');
  for (const k of ['user_agent', 'device_id', 'account_id', 'country', 'asn'] as const) {
    if (e[k] !== undefined && typeof e[k] !== 'string') bad(k);
  }
  for (const k of ['bytes', 'records'] as const) if (e[k] !== undefined && typeof e[k] !== 'number') bad(k);
  const tok = e.token as Record<string, unknown> | undefined;
  if (tok !== undefined) {
    for (const k of ['jti', 'kid', 'sub'] as const) if (typeof tok[k] !== 'string') bad(`token.${k}`);
    for (const k of ['iat', 'exp'] as const) if (!Number.isInteger(tok[k])) bad(`token.${k}`);
  }
}

function checkLedger(e: Record<string, unknown>, where: string, issues: string[]): void {
  const bad = (m: string): void => void issues.push(`${where}: ${m}`);
  if (typeof e.time !== 'string' || parseRfc3339(e.time) === undefined) bad('time');
  if (typeof e.jti !== 'string') bad('jti');
  if (e.type === 'revoke') return;
  if (e.type !== undefined && e.type !== 'issue') bad('type');
  if (typeof e.kid !== 'string' || typeof e.sub !== 'string' || !Number.isInteger(e.exp)) bad('issue fields');
}

function readNdjson<T>(dir: string, check: (e: Record<string, unknown>, w: string, i: string[]) => void, issues: string[]): T[] {
  const out: T[] = [];
  for (const name of readdirSync(dir).sort()) {
    let last = -Infinity;
    lines(join(dir, name)).forEach((line, k) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      check(e, `${name}:${k + 1}`, issues);
      const t = parseRfc3339(String(e.time)) ?? 0;
      if (t < last) issues.push(`${name}:${k + 1}: out of order`);
      if (!name.includes(String(e.time).slice(0, 10))) issues.push(`${name}:${k + 1}: wrong day file`);
      last = t;
      out.push(e as T);
    });
  }
  return out;
}

/** Reads and validates the run in `dir`. */
export function readRun(dir: string): RunData {
  const issues: string[] = [];
  const access = readNdjson<RawAccess>(join(dir, 'access'), checkAccess, issues);
  const ledger = readNdjson<RawLedger>(join(dir, 'ledger'), checkLedger, issues);
  const catalog = parseYaml(readFileSync(join(dir, 'catalog.yaml'), 'utf8')) as { routes: { method: string; route: string; kind: string; fields: string[] }[] };
  const known = new Set(catalog.routes.map((r) => `${r.method} ${r.route}`));
  for (const e of access) if (!known.has(`${e.method} ${e.route}`)) issues.push(`route not in catalog: ${e.method} ${e.route}`);
  const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as { keys: { kid: string; storage: string; custodians: string[] }[] };
  for (const k of keys.keys) {
    if (!['hsm', 'kms', 'file', 'env', 'unknown'].includes(k.storage) || !Array.isArray(k.custodians)) issues.push(`key ${k.kid}`);
  }
  const staff = readFileSync(join(dir, 'staff.csv'), 'utf8').split('\n');
  if (staff[0] !== 'staff_id,team,role,joined,left') issues.push('staff.csv header');
  const customers = readFileSync(join(dir, 'customers.csv'), 'utf8').split('\n');
  if (customers[0] !== 'account_id,name,email,phone,locale') issues.push('customers.csv header');
  for (const row of customers.slice(1, -1)) if (!/^m-\d+,[^,]+,[^,@]+@[^,]+,[^,]+,(ko|en)$/.test(row)) issues.push(`customer row ${row}`);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as RunData['truth'];
  const personalRoutes = new Set(catalog.routes.filter((r) => r.kind === 'personal').map((r) => `${r.method} ${r.route}`));
  return { access, ledger, truth, personalRoutes, issues };
}
