/**
 * A parse thread: reads access files it is asked for (`open`), cuts and parses their lines
 * with the same reader and parser the main thread uses, and posts each batch as columns
 * ({@link ParsedBatch}). A file runs at most {@link PARSE_CREDIT} batches ahead of what the
 * main thread has taken (`more`), so memory stays bounded. Started by {@link ParseWorkers} only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CatalogRoute } from '../model/index.js';
import { parseAccessLine } from './access.js';
import { Catalog } from './catalog.js';
import { peekLineTime } from './event-time.js';
import { isBlank, readLines } from './lines.js';
import type { LineBatch } from './lines.js';
import { ParsedBatchWriter } from './parsed-batch.js';
import type { PostedBatch } from './parsed-batch.js';
import { PARSE_CREDIT } from './parse-workers.js';
import type { ToMain, ToWorker } from './parse-workers.js';

const port = parentPort;
if (port === null) throw new Error('parse-worker runs as a worker thread');
const catalog = new Catalog((workerData as { routes: CatalogRoute[] }).routes);
const REF = { file: '', line: 0 };

interface Flow { credit: number; closed: boolean; wake: (() => void) | undefined }
const flows = new Map<number, Flow>();

function post(m: ToMain, b?: PostedBatch): void {
  port!.postMessage(m, b === undefined ? [] : [b.state.buffer as ArrayBuffer, b.peek.buffer as ArrayBuffer, b.raw.buffer as ArrayBuffer, b.n.buffer as ArrayBuffer, b.ends.buffer as ArrayBuffer]);
}

/** Parses one reader batch into columns. */
function parseBatch(lb: LineBatch): PostedBatch {
  const w = new ParsedBatchWriter(lb);
  const { texts, bad, firstLine } = lb;
  let b = 0;
  for (let i = 0; i < texts.length; i++) {
    if (bad[b]?.line === firstLine + i) { b++; continue; }
    const text = texts[i]!;
    if (isBlank(text)) continue;
    const t = peekLineTime(text);
    if (t !== undefined) w.peek[i] = t;
    // A jwt's signature is checked against the key registry, which lives on the main thread.
    if (text.includes('"jwt"')) { w.main(i); continue; }
    const r = parseAccessLine(text, REF, { catalog });
    if (r.ok) w.event(i, r.value);
    else w.refused(i, r.issues);
  }
  return w.done();
}

async function run(id: number, file: string, maxLineBytes: number): Promise<void> {
  const flow: Flow = { credit: PARSE_CREDIT, closed: false, wake: undefined };
  flows.set(id, flow);
  try {
    for await (const lb of readLines(file, { maxLineBytes })) {
      if (flow.closed) return;
      const batch = parseBatch(lb);
      flow.credit--;
      post({ id, kind: 'batch', batch }, batch);
      while (flow.credit <= 0 && !flow.closed) await new Promise<void>((res) => { flow.wake = res; });
    }
    if (!flow.closed) post({ id, kind: 'end' });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    post({ id, kind: 'error', code: typeof code === 'string' ? code : 'ERR_INTERNAL', message: e instanceof Error ? e.message : String(e) });
  } finally {
    flows.delete(id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.kind === 'open') { void run(m.id, m.file, m.maxLineBytes); return; }
  const flow = flows.get(m.id);
  if (flow === undefined) return;
  if (m.kind === 'more') flow.credit++;
  else flow.closed = true;
  const wake = flow.wake;
  flow.wake = undefined;
  wake?.();
});
