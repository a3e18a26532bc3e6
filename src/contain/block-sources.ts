/**
 * `block-sources`: deny-list entries (addresses, /24s, ASNs) from an alert's source
 * indicators, a saved scope run's sources or a list given, written at execution in the
 * formats gateways take — an nginx `deny` include, a generic JSON list, AWS WAF IP set JSON
 * (one per IP version) — each with an expiry. The proposal shows each entry's collateral: the
 * other sessions the store saw at that source, and how many of them look like customers; an
 * entry at or over `DEFAULTS.contain.sharedMinSessions` customer-like sessions (a carrier NAT
 * address, an office egress) is flagged before anyone approves it.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { BreachwatchError, DEFAULTS, HOUR, toRfc3339 } from '../model/index.js';
import type { JsonObject } from '../evidence/index.js';
import { answersPivots } from '../store/index.js';
import type { RespondStore } from '../respond/index.js';
import { DEFAULT_PIVOT_PERSONAL_SHARE } from '../scope/index.js';
import { writePrivate } from './files.js';

/** One deny-list entry. */
export interface DenyEntry {
  readonly type: 'ip' | 'cidr' | 'asn';
  readonly value: string;
  /** Where it came from: `alert <id>`, `run <id>`, `given`. */
  readonly from: string;
}

/** What one entry would also block. */
export interface Collateral {
  readonly value: string;
  /** Sessions (tokens) seen at the entry that are not the attacker's. */
  readonly other_sessions: number | null;
  /** Of those, sessions that look like a customer's own. */
  readonly customer_like: number | null;
  /** Their requests. */
  readonly other_requests: number | null;
  /** True when measured over only the addresses the incident knows inside the entry (a /24). */
  readonly lower_bound: boolean;
  readonly shared: boolean;
  readonly note?: string;
}

/** The inputs of a block-sources proposal. */
export const BlockInput = z.object({
  alert_ids: z.array(z.string().min(1)).max(10_000).optional(),
  run_id: z.string().min(1).optional(),
  sources: z.array(z.string().min(1)).max(10_000).optional(),
  /** Also deny each address's /24. */
  subnets: z.boolean().optional(),
  expires_hours: z.number().positive().max(24 * 365).optional(),
}).strict();
export type BlockInput = z.infer<typeof BlockInput>;

/** Parses one given source: an address, an IPv4 CIDR or `AS<n>`. */
export function parseSource(s: string, from: string): DenyEntry {
  const v = s.trim();
  if (isIPv4(v) || isIPv6(v)) return { type: 'ip', value: v, from };
  if (/^AS\d{1,10}$/i.test(v)) return { type: 'asn', value: v.toUpperCase(), from };
  const m = /^(.+)\/(\d{1,3})$/.exec(v);
  if (m !== null && ((isIPv4(m[1] ?? '') && Number(m[2]) >= 8 && Number(m[2]) <= 32) || (isIPv6(m[1] ?? '') && Number(m[2]) >= 16 && Number(m[2]) <= 128))) {
    return { type: 'cidr', value: v, from };
  }
  throw new BreachwatchError('ERR_USAGE', `not an address, a CIDR block (IPv4 /8–/32) or an ASN (AS123): ${v.slice(0, 60)}`);
}

/** The /24 of an IPv4 address. */
function slash24(ip: string): string {
  return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
}

/** True when IPv4 `ip` is inside IPv4 `cidr`. */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!isIPv4(ip) || base === undefined || !isIPv4(base)) return false;
  const n = (a: string): number => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

/** The entries of a proposal, deduplicated, with the attacker's tokens (so that collateral leaves them out). */
async function gather(store: RespondStore, input: BlockInput): Promise<{ entries: DenyEntry[]; attackerTokens: string[] }> {
  const entries: DenyEntry[] = [];
  const tokens: string[] = [];
  if (input.alert_ids !== undefined && input.alert_ids.length > 0) {
    for (const i of await store.listIndicators(input.alert_ids)) {
      if (i.type === 'ip') entries.push(parseSource(i.value, `alert ${i.alert_id}`));
      else if (i.type === 'subnet') entries.push(parseSource(i.value, `alert ${i.alert_id}`));
      else if (i.type === 'token') tokens.push(i.value);
    }
  }
  if (input.run_id !== undefined) {
    for (const s of await store.runSources(input.run_id)) entries.push(parseSource(s.ip, `run ${input.run_id}`));
    for await (const t of store.runSourceTokens(input.run_id)) tokens.push(t.jti);
  }
  for (const s of input.sources ?? []) entries.push(parseSource(s, 'given'));
  if (input.subnets === true) {
    for (const e of [...entries]) if (e.type === 'ip' && isIPv4(e.value)) entries.push({ type: 'cidr', value: slash24(e.value), from: e.from });
  }
  const seen = new Map<string, DenyEntry>();
  for (const e of entries) if (!seen.has(e.value)) seen.set(e.value, e);
  if (seen.size === 0) throw new BreachwatchError('ERR_USAGE', 'no sources to block: give --alert, --run or --source (the alerts or the run name no source)');
  return { entries: [...seen.values()], attackerTokens: [...new Set(tokens)] };
}

/** Measures each entry's collateral from the store's access events. */
async function collateral(store: RespondStore, entries: readonly DenyEntry[], attackerTokens: readonly string[]): Promise<Collateral[]> {
  const min = DEFAULTS.contain.sharedMinSessions;
  const knownIps = entries.filter((e) => e.type === 'ip').map((e) => e.value);
  const out: Collateral[] = [];
  for (const e of entries) {
    if (e.type === 'asn') {
      out.push({ value: e.value, other_sessions: null, customer_like: null, other_requests: null, lower_bound: false, shared: true,
        note: `an ASN blocks every customer on ${e.value}: not measured from the store (events carry no ASN to count by)` });
      continue;
    }
    if (!answersPivots(store)) {
      out.push({ value: e.value, other_sessions: null, customer_like: null, other_requests: null, lower_bound: false, shared: false,
        note: 'this store cannot count the traffic at a source (no pivot queries): collateral unknown' });
      continue;
    }
    const ips = e.type === 'ip' ? [e.value] : knownIps.filter((ip) => inCidr(ip, e.value));
    if (ips.length === 0) {
      out.push({ value: e.value, other_sessions: null, customer_like: null, other_requests: null, lower_bound: true, shared: false,
        note: 'no address the incident knows is inside this block: collateral unknown' });
      continue;
    }
    const profiles = await store.sourceProfiles(ips, DEFAULT_PIVOT_PERSONAL_SHARE);
    const others = await store.sourceTokens(ips, attackerTokens);
    const customerLike = profiles.reduce((s, p) => s + p.customerLike, 0);
    const shared = customerLike >= min;
    out.push({
      value: e.value, other_sessions: others.length, customer_like: customerLike,
      other_requests: others.reduce((s, t) => s + t.requests, 0), lower_bound: e.type === 'cidr', shared,
      ...(shared && { note: `shared address: ${customerLike} customer-like sessions also come from ${e.value} (carrier NAT or office egress); blocking it locks them out` }),
    });
  }
  return out;
}

/** The plan of a block-sources proposal. */
export async function planBlock(store: RespondStore, input: BlockInput): Promise<{ params: JsonObject; effect: JsonObject; warnings: string[] }> {
  const { entries, attackerTokens } = await gather(store, input);
  const coll = await collateral(store, entries, attackerTokens);
  const hours = input.expires_hours ?? DEFAULTS.contain.blockHours;
  const warnings = coll.filter((c) => c.shared).map((c) => `collateral: ${c.note ?? c.value}`);
  return {
    params: { entries: entries.map((e) => ({ ...e })), expires_hours: hours },
    effect: {
      deny_list: { add: entries.map((e) => ({ ...e })), expires: `the execution time + ${hours} h` },
      collateral: coll.map((c) => ({ ...c })),
      files: ['deny.nginx.conf', 'deny.json', 'aws-waf-ipset-v4.json', 'aws-waf-ipset-v6.json (when IPv6 entries)'],
    },
    warnings,
  };
}

/** Writes the deny lists at `at` (epoch ms) into `out`. */
export async function executeBlock(params: JsonObject, actionId: string, incidentId: string, at: number, out: string): Promise<JsonObject> {
  const entries = params['entries'] as unknown as DenyEntry[];
  const expires = toRfc3339(at + Number(params['expires_hours']) * HOUR);
  const head = `# breachwatch containment ${actionId} (incident ${incidentId}), written ${toRfc3339(at)}; expires ${expires}: remove this include then`;
  const nginx = [head, ...entries.map((e) => (e.type === 'asn' ? `# ${e.value}: nginx cannot deny an ASN; use the gateway's ASN/geo module` : `deny ${e.value};`)), ''];
  await writePrivate(join(out, 'deny.nginx.conf'), nginx.join('\n'), 0o644);
  await writePrivate(join(out, 'deny.json'), `${JSON.stringify({ action_id: actionId, incident_id: incidentId, created: toRfc3339(at), expires,
    entries: entries.map((e) => ({ ...e, expires })) }, null, 2)}\n`, 0o644);
  const cidr = (e: DenyEntry): string => (e.type === 'cidr' ? e.value : isIPv4(e.value) ? `${e.value}/32` : `${e.value}/128`);
  const files = ['deny.nginx.conf', 'deny.json'];
  for (const [v, test] of [['IPV4', isIPv4], ['IPV6', isIPv6]] as const) {
    const addrs = entries.filter((e) => e.type !== 'asn' && test(e.value.split('/')[0] ?? '')).map(cidr);
    if (addrs.length === 0) continue;
    const name = `aws-waf-ipset-${v === 'IPV4' ? 'v4' : 'v6'}.json`;
    await writePrivate(join(out, name), `${JSON.stringify({
      Name: `breachwatch-${actionId}-${v.toLowerCase()}`, Scope: 'REGIONAL', IPAddressVersion: v, Addresses: addrs,
      Description: `breachwatch ${actionId}, incident ${incidentId}; expires ${expires}`.slice(0, 256),
    }, null, 2)}\n`, 0o644);
    files.push(name);
  }
  return { entries: entries.length, expires, files: files.map((f) => join(out, f)) };
}
