/**
 * A render thread: it loads the notice kit the main thread names, then renders each batch of
 * planned notices it is sent (wording, message, hash, mail-merge text; see render-one.ts) and
 * answers with the rows, in the batch's order, and the batch's mbox block (transferred, not
 * copied), or once the batch's message files are written (format `eml`; the next batch
 * renders meanwhile); a written mbox block comes back to be composed into again. Started by
 * {@link RenderPool} only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadNoticeKit } from './kit.js';
import { NoticeRenderer } from './render-one.js';
import type { RenderInit, RenderReply, RenderRequest } from './render-pool.js';

const init = workerData as RenderInit;
const ready = loadNoticeKit(init.incident, { rules: init.rules, dataDir: init.dataDir })
  .then((kit) => new NoticeRenderer(kit, init.incident, { now: new Date(init.now), dir: init.dir, format: init.format, facts: init.facts }));
// A failure to load is answered per batch (below); this only keeps it from being unhandled.
ready.catch(() => undefined);

parentPort!.on('message', (b: RenderRequest) => {
  if ('recycle' in b) {
    ready.then((r) => { r.recycle(b.recycle); }).catch(() => undefined);
    return;
  }
  ready.then(async (r) => {
    const batch = await r.renderBatch(b.notices);
    const reply: RenderReply = { id: b.id, batch };
    parentPort!.postMessage(reply, batch.mbox === undefined ? [] : [batch.mbox.buffer as ArrayBuffer]);
  }).catch((e: unknown) => {
    const reply: RenderReply = { id: b.id, error: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage(reply);
  });
});
