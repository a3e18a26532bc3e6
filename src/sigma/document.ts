/**
 * Reads Sigma YAML files into rule documents that remember source positions.
 * Handles multi-document files and rule collections (`action: global | reset | repeat`).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { BreachwatchError } from '../model/index.js';
import type { Refusal, SourcePos, YamlPath } from './located.js';

/** One Sigma document after collection actions were applied. */
export interface RuleDoc {
  readonly file: string;
  /** 0-based index of the YAML document in its file. */
  readonly index: number;
  readonly value: Record<string, unknown>;
  /** Position of the node at `path` (falls back to the nearest existing parent, then the document). */
  pos(path: YamlPath): SourcePos;
  /** Position of character `offset` inside the single-line scalar at `path` (else `pos(path)`). */
  posAt(path: YamlPath, offset: number): SourcePos;
}

/** Lists `.yml`/`.yaml` files under the given paths (files are taken as given), sorted. */
export async function listRuleFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    let st;
    try { st = await stat(p); } catch (e) {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read ${p}`, { cause: e });
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const n of names) await walk(join(p, n), false);
    } else if (top || /\.ya?ml$/i.test(p)) out.push(p);
  };
  for (const p of paths) await walk(p, true);
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for collections: maps merge, everything else is replaced by the later value. */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isMap(prev) && isMap(v) ? merge(prev, v) : v;
  }
  return out;
}

/** Parses one file's text into rule documents and located refusals (YAML errors, bad actions). */
export function parseRuleText(file: string, text: string): { docs: RuleDoc[]; refused: Refusal[] } {
  const lc = new LineCounter();
  const yamlDocs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
  const docs: RuleDoc[] = [];
  const refused: Refusal[] = [];
  const at = (offset: number): SourcePos => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const locator = (chain: Document[]) => (path: YamlPath): SourcePos => {
    for (let n = path.length; n >= 0; n--) {
      for (const d of chain) {
        const node = n === 0 ? d.contents : d.getIn(path.slice(0, n), true);
        const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
        if (r) return at(r[0]);
      }
    }
    return { file, line: 1, column: 1 };
  };
  const scalarLocator = (chain: Document[]) => (path: YamlPath, offset: number): SourcePos => {
    const base = locator(chain)(path);
    for (const d of chain) {
      const node = d.getIn(path, true) as { type?: string; source?: string; range?: [number, number, number] } | undefined;
      if (!node?.range || typeof node.type !== 'string') continue;
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (node.type !== 'PLAIN' && !quoted) return base;
      const start = at(node.range[0]);
      const end = at(node.range[1]);
      return start.line === end.line ? { ...start, column: start.column + offset + (quoted ? 1 : 0) } : base;
    }
    return base;
  };
  if (!Array.isArray(yamlDocs)) return { docs, refused };
  let global: { value: Record<string, unknown>; doc: Document } | undefined;
  let last: { value: Record<string, unknown>; doc: Document } | undefined;
  yamlDocs.forEach((d, index) => {
    const err = d.errors[0];
    if (err) {
      refused.push({ ...at(err.pos[0]), code: 'ERR_SIGMA_RULE', reason: `YAML: ${err.message.split('\n')[0]?.trim() ?? ''}` });
      return;
    }
    const js: unknown = d.toJS();
    if (js === null || js === undefined) return; // empty document (e.g. trailing ---)
    if (!isMap(js)) {
      refused.push({ ...locator([d])([]), code: 'ERR_SIGMA_RULE', reason: 'a Sigma document must be a YAML map' });
      return;
    }
    const { action, ...rest } = js;
    if (action === 'global') { global = { value: rest, doc: d }; return; }
    if (action === 'reset') { global = undefined; return; }
    let value = rest;
    let chain: Document[] = [d];
    if (action === 'repeat') {
      if (!last) {
        refused.push({ ...locator([d])(['action']), code: 'ERR_SIGMA_RULE', reason: 'action: repeat without a previous document' });
        return;
      }
      value = merge(last.value, rest);
      chain = [d, last.doc];
    } else if (action !== undefined) {
      refused.push({ ...locator([d])(['action']), code: 'ERR_SIGMA_RULE', reason: `unknown collection action ${JSON.stringify(action)}` });
      return;
    } else if (global) {
      value = merge(global.value, rest);
      chain = [d, global.doc];
    }
    last = { value, doc: d };
    docs.push({ file, index, value, pos: locator(chain), posAt: scalarLocator(chain) });
  });
  return { docs, refused };
}

/** Reads and parses one file; an unreadable file throws `ERR_INPUT_UNREADABLE`. */
export async function readRuleFile(file: string): Promise<{ docs: RuleDoc[]; refused: Refusal[] }> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) {
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read ${file}`, { cause: e });
  }
  return parseRuleText(file, text);
}
