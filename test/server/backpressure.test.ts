/**
 * Backpressure: while the store is slow (a commit held open), the bounded queue fills and
 * further ingest requests get 429 with Retry-After instead of buffering without limit; once
 * the store catches up every accepted request is answered 200 and stored.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { traffic } from './gen.js';
import { postLines, startTestService } from './harness.js';

describe('backpressure', () => {
  it('answers 429 with Retry-After when the queue is full, and loses nothing it accepted', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    let held = 0;
    const wrapStore = (s: Store): Store => new Proxy(s, {
      get(target, prop, recv) {
        if (prop === 'commit') {
          return async (c: Parameters<Store['commit']>[0]) => { held++; await gate; return target.commit(c); };
        }
        const v = Reflect.get(target, prop, recv) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const t = await startTestService({ queue: { max_events: 100, max_batch_events: 100, retry_after_s: 3 } }, { wrapStore });
    try {
      const d = traffic({ events: 300, prefix: 'bp' });
      const first = postLines(t.url, '/v1/events/access', t.keys.ingest, d.access.slice(0, 100));
      while (held === 0) await new Promise((r) => setTimeout(r, 10));
      // The committer holds the first batch; the second fills the queue.
      const second = postLines(t.url, '/v1/events/access', t.keys.ingest, d.access.slice(100, 200));
      while (!t.svc.pipeline.busy) await new Promise((r) => setTimeout(r, 10));
      const third = await postLines(t.url, '/v1/events/access', t.keys.ingest, d.access.slice(200, 300));
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('3');
      expect(third.body).toMatchObject({ code: 'ERR_BUSY' });
      release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      expect(await t.svc.store.countAccess()).toBe(200);
    } finally {
      release();
      await t.close();
    }
  });
});
