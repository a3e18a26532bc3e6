/**
 * Shared plumbing of the reference-file loaders: reading a file as text, parsing JSON or YAML
 * with located syntax errors (`file:line:col`), and turning schema problems into one located
 * BreachwatchError.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { BreachwatchError } from '../../model/index.js';

/** Reads a whole file as UTF-8; a missing or unreadable file is `ERR_INPUT_UNREADABLE`. */
export async function readText(path: string): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${path}: cannot read: ${why}`, { cause: e });
  }
}

/** A parsed document plus a way to find the line of a value by its path. */
export interface ParsedDoc {
  readonly value: unknown;
  /** 1-based line of the value at `path`, when known. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Parses YAML (a superset of JSON); syntax errors become `ERR_INPUT_INVALID` at `file:line:col`. */
export function parseYamlDoc(path: string, text: string): ParsedDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const err = doc.errors[0];
  if (err !== undefined) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new BreachwatchError('ERR_INPUT_INVALID', `${path}:${pos.line}:${pos.col}: ${err.message.split('\n')[0] ?? ''}`);
  }
  return {
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf(p) {
      const node = doc.getIn(p.map((k) => (typeof k === 'symbol' ? String(k) : k)), true) as { range?: [number, number, number] } | undefined;
      const off = node?.range?.[0];
      return off === undefined ? undefined : lineCounter.linePos(off).line;
    },
  };
}

/** Parses JSON; on a syntax error, locates it with the YAML parser to report `file:line:col`. */
export function parseJsonDoc(path: string, text: string): ParsedDoc {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    // V8 quotes the offending text in its message; keep the data out of the error.
    const why = (e instanceof Error ? e.message : String(e)).replace(/, ".*" is not valid JSON$/s, '');
    const pos = jsonErrorPos(text, why) ?? yamlErrorPos(text);
    const where = pos === undefined ? path : `${path}:${pos.line}:${pos.col}`;
    throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: invalid JSON: ${why}`, { cause: e });
  }
  // Lines for schema errors are found lazily (only on failure), by re-reading the text as YAML.
  return { value, lineOf: (p) => lazyLine(path, text, p) };
}

/** The position V8 names in a JSON.parse message (`at position N` or `line L column C`). */
function jsonErrorPos(text: string, message: string): { line: number; col: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc !== null) return { line: Number(lc[1]), col: Number(lc[2]) };
  const p = /at position (\d+)/.exec(message);
  if (p === null) return undefined;
  const before = text.slice(0, Number(p[1]));
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: before.length - nl };
}

/** Where the YAML parser first fails on `text`, if it does. */
function yamlErrorPos(text: string): { line: number; col: number } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const err = doc.errors[0];
  return err === undefined ? undefined : lineCounter.linePos(err.pos[0]);
}

function lazyLine(path: string, text: string, p: readonly PropertyKey[]): number | undefined {
  try {
    return parseYamlDoc(path, text).lineOf(p);
  } catch {
    return undefined;
  }
}

/** Formats a path as a JSON path: `$.keys[0].created`. */
export function jsonPath(p: readonly PropertyKey[]): string {
  let s = '$';
  for (const k of p) s += typeof k === 'number' ? `[${k}]` : `.${String(k)}`;
  return s;
}

/** Validates with a zod schema; the first problem becomes `ERR_INPUT_INVALID` with path and line. */
export function validate<S extends z.ZodType>(path: string, doc: ParsedDoc, schema: S): z.output<S> {
  const r = schema.safeParse(doc.value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const p = issue?.path ?? [];
  const line = doc.lineOf(p);
  const where = line === undefined ? path : `${path}:${line}`;
  throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: ${jsonPath(p)}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Reads a JSON or YAML file (JSON by a `.json` name or a leading `{`) and validates it with
 * `schema`; every problem is a located `ERR_INPUT_UNREADABLE` / `ERR_INPUT_INVALID`. Other
 * stages load their own data files through this (notice templates, rules, incident files).
 */
export async function loadDocument<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const text = await readText(path);
  const json = /\.json$/i.test(path) || (!/\.ya?ml$/i.test(path) && text.trimStart().startsWith('{'));
  return validate(path, json ? parseJsonDoc(path, text) : parseYamlDoc(path, text), schema);
}
