/**
 * Compiling detection rules once into a matcher: each distinct field is read once per event,
 * all case-insensitive literal tests on a field (and the literals regexes must contain) run as
 * one Aho–Corasick search (`multi-search.ts`), and a rule is evaluated only when one of the literals it needs was
 * found (rules without such a literal are evaluated for every event). IPv4 `cidr` tests are
 * indexed by prefix length, so each distinct length costs one lookup per event.
 */
import { fieldGetter, keywordGetter } from './fields.js';
import type { FieldGetter, FieldMap } from './fields.js';
import ipaddr from 'ipaddr.js';
import { asString, leafTest, parseIp, someValue, v4int } from './leaf.js';
import type { LoadedRule, LoadedRuleSet } from './load.js';
import { logsourceMatches } from './logsource.js';
import { MultiSearch } from './multi-search.js';
import { necessary, regexLiteral } from './prefilter.js';
import type { DetectionRule, Expr, Leaf, LogSource } from './types.js';

/** Options of {@link compile}. */
export interface CompileOptions {
  /** User field map (overrides the built-in taxonomy). */
  readonly fieldMap?: FieldMap;
  /** The input's declared log sources, or 'all' to evaluate every rule (`--ignore-logsource`). */
  readonly logsources: readonly LogSource[] | 'all';
  /** Use the built-in webserver/proxy taxonomy (default true). */
  readonly taxonomy?: boolean;
}

/** Detection rules compiled for one kind of input. */
export interface CompiledDetections {
  /** The rules that apply (logsource selected), with filters folded in. */
  readonly rules: readonly LoadedRule<DetectionRule>[];
  /** Indices (into `rules`) of the rules `ev` matches, ascending; `out` is reused. */
  match(ev: Record<string, unknown>, out: number[]): number[];
  /** Reads a field of the event being matched (or any event) through the field mapping. */
  field(ev: Record<string, unknown>, name: string): unknown;
}

interface IndexedLeaf { readonly id: number; readonly op: 'eq' | 'prefix' | 'suffix' | 'contains' | 'pre' }

/** The rule's expression with its filters AND-ed in. */
function withFilters(r: LoadedRule<DetectionRule>, set: LoadedRuleSet): Expr {
  const fs = set.filters.filter((f) => f.rules.length > 0
    ? f.rules.some((k) => k === r.id || k === r.name)
    : logsourceMatches(f.logsource, [r.logsource]));
  return fs.length === 0 ? r.expr : { k: 'and', xs: [r.expr, ...fs.map((f) => f.expr)] };
}

/** Compiles the detection rules of `set` that apply to the declared log sources. */
export function compile(set: LoadedRuleSet, opts: CompileOptions): CompiledDetections {
  const rules = set.detections.filter((r) => opts.logsources === 'all' || logsourceMatches(r.logsource, opts.logsources));
  const exprs = rules.map((r) => withFilters(r, set));
  const getters = new Map<string, FieldGetter>();
  const getterOf = (f: string): FieldGetter => {
    let g = getters.get(f);
    if (!g) {
      g = f === '*' ? keywordGetter(opts.fieldMap, opts.taxonomy ?? true) : fieldGetter(f, opts.fieldMap, opts.taxonomy ?? true);
      getters.set(f, g);
    }
    return g;
  };
  // Per-event caches, invalidated by bumping `gen`.
  let gen = 0;
  let ev: Record<string, unknown> = {};
  const slots = new Map<string, { get: () => unknown; ip: () => unknown }>();
  const slot = (f: string): { get: () => unknown; ip: () => unknown } => {
    let s = slots.get(f);
    if (!s) {
      const g = getterOf(f);
      let vGen = -1, v: unknown, ipGen = -1, ip: unknown;
      const get = (): unknown => { if (vGen !== gen) { v = g(ev); vGen = gen; } return v; };
      s = { get, ip: () => { if (ipGen !== gen) { const x = get(); ip = Array.isArray(x) ? x.map(parseIp) : parseIp(x); ipGen = gen; } return ip; } };
      slots.set(f, s);
    }
    return s;
  };
  const getFor = (f: string): (() => unknown) => slot(f).get;
  const ipFor = (f: string): (() => unknown) => slot(f).ip;

  // Index case-insensitive literals per field.
  const leafIds = new Map<Leaf, number>();
  const perField = new Map<string, Map<string, IndexedLeaf[]>>();
  const preOnly = new Set<number>(); // ids whose index hit is a prefilter, not the answer
  // IPv4 CIDRs per field: prefix length → network → leaf ids (one lookup per distinct length).
  const cidrs = new Map<string, Map<number, Map<number, number[]>>>();
  const indexCidr = (l: Extract<Leaf, { t: 'cidr' }>): void => {
    const [addr, bits] = ipaddr.parseCIDR(l.cidr);
    if (l.neq || addr.kind() !== 'ipv4') return;
    const id = leafIds.size;
    leafIds.set(l, id);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const byLen = cidrs.get(l.field) ?? new Map<number, Map<number, number[]>>();
    cidrs.set(l.field, byLen);
    const nets = byLen.get(mask) ?? new Map<number, number[]>();
    byLen.set(mask, nets);
    const net = (v4int(addr as ipaddr.IPv4) & mask) >>> 0;
    nets.set(net, [...(nets.get(net) ?? []), id]);
  };
  const indexLeaf = (l: Leaf): void => {
    if (leafIds.has(l)) return;
    if (l.t === 'cidr') { indexCidr(l); return; }
    if (l.t !== 'str' || l.neq) return;
    const f = l.field ?? '*';
    const lit = l.op === 're' ? (l.lit || regexLiteral(l.re?.source ?? '')).toLowerCase() : l.cased ? '' : l.lit;
    if (!lit) return;
    const id = leafIds.size;
    leafIds.set(l, id);
    const op = l.op === 're' || l.cased ? 'pre' : l.op;
    if (op === 'pre') preOnly.add(id);
    let m = perField.get(f);
    if (!m) { m = new Map(); perField.set(f, m); }
    const list = m.get(lit) ?? [];
    list.push({ id, op });
    m.set(lit, list);
  };
  const walk = (e: Expr): void => {
    if (e.k === 'leaf') indexLeaf(e.leaf);
    else if (e.k === 'not') walk(e.x);
    else if (e.k === 'and' || e.k === 'or') e.xs.forEach(walk);
  };
  exprs.forEach(walk);
  const hitGen = new Int32Array(leafIds.size).fill(-1);
  const ruleGen = new Int32Array(rules.length).fill(-1);
  const leafRules: number[][] = Array.from({ length: leafIds.size }, () => []);
  const always: number[] = [];
  exprs.forEach((e, ri) => {
    const need = necessary(e, (l) => leafIds.get(l));
    if (!need) always.push(ri);
    else for (const id of need) leafRules[id]!.push(ri);
  });
  const searches = [...perField].map(([f, m]) => {
    const pats = [...m.keys()];
    return { f, get: getFor(f), ms: new MultiSearch(pats), hits: pats.map((p) => m.get(p)!) };
  });

  // Compile each expression to a closure.
  const leafFn = (l: Leaf): (() => boolean) => {
    const id = leafIds.get(l);
    const direct = leafTest(l, getFor, ipFor);
    if (id === undefined) return direct;
    if (preOnly.has(id)) return () => hitGen[id] === gen && direct();
    return () => hitGen[id] === gen;
  };
  const build = (e: Expr): (() => boolean) => {
    switch (e.k) {
      case 'const': { const v = e.v; return () => v; }
      case 'leaf': return leafFn(e.leaf);
      case 'not': { const x = build(e.x); return () => !x(); }
      case 'and': { const xs = e.xs.map(build); return () => { for (const x of xs) if (!x()) return false; return true; }; }
      case 'or': { const xs = e.xs.map(build); return () => { for (const x of xs) if (x()) return true; return false; }; }
    }
  };
  const fns = exprs.map(build);
  const cands: number[] = [];
  const hit = (id: number): void => {
    hitGen[id] = gen;
    for (const r of leafRules[id]!) if (ruleGen[r] !== gen) { ruleGen[r] = gen; cands.push(r); }
  };
  const cidrIndex = [...cidrs].map(([f, byLenMap]) => {
    const byLen = [...byLenMap];
    const scanIp = (x: unknown): boolean => {
      const ip = x as ipaddr.IPv4 | ipaddr.IPv6 | undefined;
      if (ip === undefined || ip.kind() !== 'ipv4') return false;
      const n = v4int(ip as ipaddr.IPv4);
      for (const [mask, nets] of byLen) {
        const ids = nets.get((n & mask) >>> 0);
        if (ids) for (const id of ids) hit(id);
      }
      return false;
    };
    return { ip: ipFor(f), scanIp };
  });

  // The search being run and its text length (module-level state avoids a closure per scan).
  let cur = searches[0];
  let curLen = 0;
  const onHit = (pattern: number, end: number): void => {
    for (const h of cur!.hits[pattern]!) {
      if (hitGen[h.id] === gen) continue;
      const start = end - cur!.ms.lengths[pattern]!;
      const ok = h.op === 'contains' || h.op === 'pre' ||
        (h.op === 'prefix' ? start === 0 : h.op === 'suffix' ? end === curLen : start === 0 && end === curLen);
      if (ok) hit(h.id);
    }
  };
  const scan = (s: (typeof searches)[number], text: string): void => {
    cur = s;
    curLen = text.length;
    s.ms.scan(text, onHit);
  };

  return {
    rules,
    field: (e, name) => getterOf(name)(e),
    match(event, out) {
      gen++;
      ev = event;
      out.length = 0;
      cands.length = 0;
      for (const s of searches) {
        const v = s.get();
        if (typeof v === 'string') scan(s, v);
        else someValue(v, (x) => { const t = asString(x); if (t !== undefined) scan(s, t); return false; });
      }
      for (const c of cidrIndex) someValue(c.ip(), c.scanIp);
      for (const r of always) if (fns[r]!()) out.push(r);
      for (const r of cands) if (fns[r]!()) out.push(r);
      if (always.length > 0 && cands.length > 0) out.sort((a, b) => a - b);
      return out;
    },
  };
}
