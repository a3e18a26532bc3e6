/**
 * Loads `serve`'s YAML config: parse, apply environment overrides
 * (`BREACHWATCH_<PATH>`, e.g. `BREACHWATCH_HTTP_PORT=9000`), validate with zod, and report every
 * problem with its location (`config.yaml:12: api_keys[0].role: expected one of …`).
 * Relative paths in the file are resolved against the file's folder.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parse as parseYaml, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { BreachwatchError } from '../model/index.js';
import { resolveStoreUrl } from '../compose/index.js';
import { configSchema, type ServeConfig } from './config-schema.js';

/** One located config problem. */
export interface ConfigProblem {
  /** `file:line` or `env NAME`. */
  readonly where: string;
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

/** Every nested object field the schema has, as paths (arrays and records excluded). */
function objectPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  let s = schema as unknown as { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } };
  while (s.def.type === 'default' || s.def.type === 'prefault' || s.def.type === 'optional') s = s.def.innerType as unknown as typeof s;
  if (s.def.type !== 'object' || s.def.shape === undefined) return prefix.length > 0 ? [prefix] : [];
  return Object.entries(s.def.shape).flatMap(([k, v]) => objectPaths(v, [...prefix, k]));
}

const ENV_PATHS = new Map(objectPaths(configSchema).map((p) => [`BREACHWATCH_${p.join('_').toUpperCase()}`, p]));

/** Applies `BREACHWATCH_*` variables to `raw`; returns which path each one set. */
export function applyEnv(raw: Json, env: NodeJS.ProcessEnv): Map<string, string> {
  const set = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('BREACHWATCH_') || value === undefined) continue;
    const path = ENV_PATHS.get(name);
    if (path === undefined) continue;
    let o = raw;
    for (const k of path.slice(0, -1)) {
      const next = o[k];
      o = (o[k] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Json;
    }
    // YAML scalar rules: "9000" → number, "true" → boolean, "[a, b]" → list.
    o[path[path.length - 1] as string] = parseYaml(value) as unknown;
    set.set(path.join('.'), name);
  }
  return set;
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s === '' ? '' : '.'}${String(p)}`;
  return s || '(root)';
}

/** Validates an already-parsed config object; `locate` maps a path to `file:line`. */
export function validateConfig(
  raw: unknown, locate: (path: readonly PropertyKey[]) => string,
): { ok: true; value: ServeConfig } | { ok: false; problems: ConfigProblem[] } {
  const r = configSchema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({ where: locate(i.path), path: pathText(i.path), message: i.message })),
  };
}

/** Formats problems one per line. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.where}: ${p.path}: ${p.message}`).join('\n');
}

function resolvePaths(c: ServeConfig, base: string): ServeConfig {
  const r = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const opt = (p: string | undefined): string | undefined => (p === undefined ? undefined : r(p));
  const ref = c.reference;
  return {
    ...c,
    store: { ...c.store, url: resolveStoreUrl(c.store.url, base) },
    state_dir: r(c.state_dir),
    reference: {
      ...(ref.keys !== undefined && { keys: r(ref.keys) }),
      ...(ref.staff !== undefined && { staff: r(ref.staff) }),
      ...(ref.catalog !== undefined && { catalog: r(ref.catalog) }),
      ...(ref.clients !== undefined && { clients: r(ref.clients) }),
      ...(ref.honey !== undefined && { honey: r(ref.honey) }),
    },
    detect: { ...c.detect, sigma: c.detect.sigma.map(r) },
    sinks: c.sinks.map((s) => (s.type === 'file' ? { ...s, path: r(s.path) } : s)),
    incidents: c.incidents.home === undefined ? {} : { home: r(c.incidents.home) },
    audit: opt(c.audit.path) === undefined ? {} : { path: r(c.audit.path as string) },
    quarantine: opt(c.quarantine.path) === undefined ? {} : { path: r(c.quarantine.path as string) },
    log: { ...c.log, ...(c.log.file !== undefined && { file: r(c.log.file) }) },
    dashboard: { dir: r(c.dashboard.dir) },
  };
}

/**
 * Reads, overrides from `env`, validates and resolves the config at `file`.
 * Throws `ERR_CONFIG` listing every problem with its location.
 */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ServeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new BreachwatchError('ERR_CONFIG', `cannot read config ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseConfigText(text, file, env);
}

/** {@link loadConfig} on text already read (`file` names it in messages and anchors paths). */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = {}): ServeConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const name = file.split('/').pop() ?? file;
  if (doc.errors.length > 0) {
    const msg = doc.errors.map((e) => `${name}:${lc.linePos(e.pos[0]).line}: ${e.message.split('\n')[0] ?? ''}`).join('\n');
    throw new BreachwatchError('ERR_CONFIG', `config is not valid YAML:\n${msg}`);
  }
  const raw = (doc.toJS() ?? {}) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BreachwatchError('ERR_CONFIG', `${name}:1: the config must be a mapping`);
  }
  const fromEnv = applyEnv(raw as Json, env);
  const locate = (path: readonly PropertyKey[]): string => {
    for (let n = path.length; n > 0; n--) {
      const envName = fromEnv.get(path.slice(0, n).map(String).join('.'));
      if (envName !== undefined) return `env ${envName}`;
    }
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range !== undefined && node.range !== null) return `${name}:${lc.linePos(node.range[0]).line}`;
    }
    return name;
  };
  const v = validateConfig(raw, locate);
  if (!v.ok) throw new BreachwatchError('ERR_CONFIG', `invalid config:\n${formatProblems(v.problems)}`);
  return resolvePaths(v.value, dirname(resolve(file)));
}
