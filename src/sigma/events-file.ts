/**
 * Reading events for `sigma match`: NDJSON (optionally `.gz`), or a JSON file holding one
 * object or an array of objects. Bad lines are reported and skipped, never fatal.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';
import { BreachwatchError } from '../model/index.js';

/** One event read from a file. */
export interface FileEvent {
  readonly event: Record<string, unknown>;
  /** 0-based index of the event in its file. */
  readonly index: number;
  /** 1-based line (NDJSON) or 0 for JSON documents. */
  readonly line: number;
}

/** A line or element that was not an event. */
export interface BadEvent { readonly file: string; readonly line: number; readonly reason: string }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Event time of a JSON event: `time` / `@timestamp` / `timestamp` (RFC 3339) or `t` (epoch ms). */
export function eventTime(ev: Record<string, unknown>): number | undefined {
  for (const k of ['time', '@timestamp', 'timestamp']) {
    const v = ev[k];
    if (typeof v === 'string') { const t = Date.parse(v); if (Number.isFinite(t)) return t; }
  }
  const t = ev['t'];
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

/** Streams the events of one file. */
export async function* readEvents(file: string, onBad: (b: BadEvent) => void): AsyncGenerator<FileEvent> {
  const gz = file.endsWith('.gz');
  if (/\.json(\.gz)?$/i.test(file)) {
    let v: unknown;
    try {
      const buf = await readFile(file);
      v = JSON.parse((gz ? gunzipSync(buf) : buf).toString('utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== undefined) throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read ${file}`, { cause: e });
      onBad({ file, line: 0, reason: `not JSON: ${(e as Error).message}` });
      return;
    }
    const list = Array.isArray(v) ? v : [v];
    let index = 0;
    for (const x of list) {
      if (isObj(x)) yield { event: x, index: index++, line: 0 };
      else onBad({ file, line: 0, reason: 'array element is not an object' });
    }
    return;
  }
  const raw = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => { raw.once('open', () => resolve()); raw.once('error', reject); });
  try { await opened; } catch (e) {
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read ${file}`, { cause: e });
  }
  const rl = createInterface({ input: gz ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  let line = 0;
  let index = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    let v: unknown;
    try { v = JSON.parse(text); } catch (e) {
      onBad({ file, line, reason: `bad JSON: ${(e as Error).message}` });
      continue;
    }
    if (!isObj(v)) { onBad({ file, line, reason: 'line is not a JSON object' }); continue; }
    yield { event: v, index: index++, line };
  }
}
