// Tests for the event stream: counts, quarantine, strict mode, ordering, lateness, merge, jwt.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../model/index.js';
import { isBreachwatchError } from '../model/index.js';
import { Catalog } from './catalog.js';
import { QuarantineWriter } from './quarantine.js';
import type { EventStreamOptions } from './stream.js';
import { openEventStream } from './stream.js';

const fx = (name: string): string => new URL(`../../test/fixtures/ingest/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bw-stream-'));
const catalog = new Catalog([
  { method: 'GET', route: '/v1/members/{id}/profile', fields: ['name'], kind: 'personal' },
  { method: 'GET', route: '/v1/orders', fields: ['order_history'], kind: 'personal' },
]);

async function run(o: Partial<EventStreamOptions>): Promise<{ events: PipelineEvent[]; batches: number[]; q: QuarantineWriter; stats: ReturnType<ReturnType<typeof openEventStream>['stats']> }> {
  const q = new QuarantineWriter();
  const s = openEventStream({ access: [], ledger: [], catalog, keys: [], strict: false, reorderBoundMs: 60_000, quarantine: q, ...o });
  const events: PipelineEvent[] = [];
  const batches: number[] = [];
  for await (const b of s) {
    batches.push(b.length);
    events.push(...b);
  }
  return { events, batches, q, stats: s.stats() };
}

const where = (e: PipelineEvent): string => `${e.kind}:${e.ref.line}`;
const iso = (t: number): string => new Date(t).toISOString();
const line = (t: number, id: string): string => JSON.stringify({ time: iso(t), request_id: id, src_ip: '10.0.0.1', method: 'GET', route: '/v1/orders', status: 200 });

describe('openEventStream', () => {
  it('counts every line: lines = blank + accepted + quarantined, by reason', async () => {
    const { events, q, stats } = await run({ access: [fx('access-good.ndjson'), fx('access-bad.ndjson')], ledger: [fx('ledger.ndjson')] });
    for (const f of stats.files) expect(f.lines).toBe(f.blank + f.accepted + f.quarantined);
    const [good, bad, ledger] = stats.files;
    expect(good).toMatchObject({ lines: 5, blank: 1, accepted: 4, quarantined: 0 });
    expect(bad).toMatchObject({ lines: 12, blank: 1, accepted: 2, quarantined: 9 });
    expect(bad!.byReason).toEqual({
      bad_json: 1, not_object: 1, missing_field: 1, bad_type: 2, bad_time: 1, unknown_route: 1, duplicate_request_id: 1, bad_jwt: 1,
    });
    expect(ledger).toMatchObject({ lines: 4, accepted: 3, quarantined: 1, byReason: { missing_field: 1 } });
    expect(stats.totals).toEqual({ lines: 21, blank: 2, accepted: 9, quarantined: 10 });
    expect(events).toHaveLength(9);
    const dup = q.records.find((r) => r.reason === 'duplicate_request_id');
    expect(dup).toMatchObject({ file: fx('access-bad.ndjson'), line: 9 });
    expect(dup!.excerpt).toContain('"request_id":"b-1"');
    expect(q.records.find((r) => r.line === 2 && r.file.endsWith('access-bad.ndjson'))).toMatchObject({ reason: 'bad_json' });
  });

  it('merges access and ledger files in event time, ties by file index then line', async () => {
    const { events, stats } = await run({ access: [fx('access-good.ndjson')], ledger: [fx('ledger.ndjson')] });
    expect(events.map(where)).toEqual(['ledger:1', 'access:2', 'access:1', 'ledger:2', 'access:4', 'access:5', 'ledger:3']);
    expect(stats.late).toBe(0);
    const path = events.find((e) => e.kind === 'access' && e.ref.line === 2);
    expect(path).toMatchObject({ route: '/v1/members/{id}/profile', path: '/v1/members/m-100234/profile?lang=ko' });
  });

  it('reads gzip files like plain ones', async () => {
    const gz = join(dir, 'access-good.ndjson.gz');
    writeFileSync(gz, gzipSync(readFileSync(fx('access-good.ndjson'))));
    const plain = await run({ access: [fx('access-good.ndjson')] });
    const zipped = await run({ access: [gz] });
    expect(zipped.events.map((e) => [e.t, e.ref.line])).toEqual(plain.events.map((e) => [e.t, e.ref.line]));
    expect(zipped.stats.files[0]).toMatchObject({ lines: 5, accepted: 4 });
  });

  it('sorts disorder within the bound and emits disorder beyond it as late', async () => {
    const t0 = Date.UTC(2025, 5, 24, 10);
    const ts = Array.from({ length: 5000 }, (_, i) => t0 + i * 1000);
    [ts[10], ts[11]] = [ts[11]!, ts[10]!]; // 1 s apart: within the bound
    ts[4000] = t0 + 500; // an hour behind, and read in a later batch than the events around it
    const file = join(dir, 'order.ndjson');
    writeFileSync(file, ts.map((t, i) => line(t, `o-${i}`)).join('\n'));
    const { events, batches, stats } = await run({ access: [file] });
    expect(events).toHaveLength(5000);
    expect(stats.late).toBe(1);
    const lateAt = events.findIndex((e) => e.ref.line === 4001);
    const rest = events.filter((_, i) => i !== lateAt).map((e) => e.t);
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    expect(events[10]!.ref.line).toBe(12);
    expect(events[lateAt - 1]!.t).toBeGreaterThan(t0 + 500);
    expect(Math.max(...batches)).toBeLessThanOrEqual(4096);
  });

  it('stops reading when stopped: what was merged so far, a prefix of the whole, is yielded; counts add up', async () => {
    const t0 = Date.UTC(2025, 5, 24, 10);
    const file = join(dir, 'stop.ndjson');
    writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => line(t0 + i * 1000, `s-${i}`)).join('\n'));
    const stop = new AbortController();
    const s = openEventStream({ access: [file], ledger: [], catalog, keys: [], strict: false, reorderBoundMs: 60_000, quarantine: new QuarantineWriter(), stop: stop.signal });
    const events: PipelineEvent[] = [];
    for await (const b of s) {
      events.push(...b);
      stop.abort();
    }
    expect(s.stopped()).toBe(true);
    const t = s.stats().totals;
    expect(t.lines).toBeLessThan(10_000);
    // the reorder buffer's events are not counted: what is counted came out, in order
    expect(events).toHaveLength(t.accepted);
    expect(t.lines).toBe(t.blank + t.accepted + t.quarantined);
    expect(events.map((e) => e.ref.line)).toEqual(events.map((_, i) => i + 1));
    const whole = openEventStream({ access: [file], ledger: [], catalog, keys: [], strict: false, quarantine: new QuarantineWriter(), stop: new AbortController().signal });
    let n = 0;
    for await (const b of whole) n += b.length;
    expect([n, whole.stopped()]).toEqual([10_000, false]);
  });

  it('quarantines a repeated request_id within dedupHorizonMs, not one long after', async () => {
    const t0 = Date.UTC(2025, 5, 24);
    const file = join(dir, 'dups.ndjson');
    writeFileSync(file, [line(t0, 'x'), line(t0 + 1000, 'x'), line(t0 + 60_000, 'x')].join('\n'));
    const { events, stats, q } = await run({ access: [file], dedupHorizonMs: 5000 });
    expect(events.map((e) => e.ref.line)).toEqual([1, 3]);
    expect(stats.files[0]).toMatchObject({ lines: 3, accepted: 2, quarantined: 1, byReason: { duplicate_request_id: 1 } });
    expect(q.records[0]).toMatchObject({ line: 2, reason: 'duplicate_request_id' });
  });

  it('throws ERR_STRICT_BAD_LINE at the first bad line in strict mode', async () => {
    const e: unknown = await run({ access: [fx('access-bad.ndjson')], strict: true }).catch((x: unknown) => x);
    expect(isBreachwatchError(e, 'ERR_STRICT_BAD_LINE')).toBe(true);
    expect((e as Error).message).toMatch(/access-bad\.ndjson:2: bad_json$/);
  });

  it('names the field but never the data in a strict-mode error', async () => {
    const file = join(dir, 'strict.ndjson');
    writeFileSync(file, `${JSON.stringify({ time: '2025-01-01T00:00:00Z', src_ip: '1.2.3.4', method: 'GET', path: '/v1/members/m-secret/x', status: 200 })}\n`);
    const e: unknown = await run({ access: [file], strict: true }).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/strict\.ndjson:1: unknown_route \(path\)$/);
    expect((e as Error).message).not.toContain('m-secret');
  });

  it('quarantines over-long and non-UTF-8 lines', async () => {
    const file = join(dir, 'raw.ndjson');
    writeFileSync(file, Buffer.concat([
      Buffer.from(`${line(Date.UTC(2025, 0, 1), 'u-1')}\n${line(Date.UTC(2025, 0, 1, 0, 0, 1), 'u-2').replace('}', `,"pad":"${'p'.repeat(400)}"}`)}\n`),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]),
    ]));
    const { stats, q } = await run({ access: [file], maxLineBytes: 300 });
    expect(stats.files[0]).toMatchObject({ lines: 3, accepted: 1, quarantined: 2, byReason: { line_too_long: 1, bad_utf8: 1 } });
    expect(q.records.map((r) => [r.line, r.reason])).toEqual([[2, 'line_too_long'], [3, 'bad_utf8']]);
  });

  it('records a truncated gzip and goes on with the other files', async () => {
    const gz = gzipSync(Array.from({ length: 3000 }, (_, i) => line(Date.UTC(2025, 0, 1) + i, `g-${i}`)).join('\n'));
    const cut = join(dir, 'cut.ndjson.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const { stats } = await run({ access: [cut, fx('access-good.ndjson')] });
    const [broken, good] = stats.files;
    expect(broken!.byReason).toEqual({ bad_gzip: 1 });
    expect(broken!.lines).toBe(broken!.accepted + broken!.quarantined);
    expect(broken!.accepted).toBeGreaterThan(0);
    expect(good).toMatchObject({ accepted: 4 });
  });

  it('verifies jwt signatures before events are released', async () => {
    const kp = await generateKeyPair('ES256', { extractable: true });
    const jwt = await new SignJWT({ jti: 'j', sub: 'm-1', iat: 1, exp: 2 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(kp.privateKey);
    const file = join(dir, 'jwt.ndjson');
    writeFileSync(file, `${JSON.stringify({ time: '2025-01-01T00:00:00Z', src_ip: '1.2.3.4', method: 'GET', route: '/v1/orders', status: 200, jwt })}\n`);
    const keys = [{ kid: 'k1', alg: 'ES256', created: 0, activated: null, retired: null, revoked: null, storage: 'file' as const, max_token_ttl_s: null, custodians: [], jwk: await exportJWK(kp.publicKey) }];
    const { events } = await run({ access: [file], keys });
    expect(events[0]).toMatchObject({ sig: 'valid', token: { kid: 'k1', sub: 'm-1' }, account_id: 'm-1' });
  });

  it('reports progress and fails on a missing file with ERR_INPUT_UNREADABLE', async () => {
    const seen: number[] = [];
    const total = statSync(fx('access-good.ndjson')).size;
    await run({ access: [fx('access-good.ndjson')], onProgress: (p) => { expect(p.bytesTotal).toBe(total); seen.push(p.bytesRead); } });
    expect(seen.at(-1)).toBe(total);
    const e: unknown = await run({ access: [fx('missing.ndjson')] }).catch((x: unknown) => x);
    expect(isBreachwatchError(e, 'ERR_INPUT_UNREADABLE')).toBe(true);
  });
});
