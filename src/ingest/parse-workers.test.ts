// Parse threads: the same events (values, field order, shape), order, counts and quarantine as
// parsing on the main thread, on every kind of line the parsers meet.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import type { KeyRecord, PipelineEvent } from '../model/index.js';
import { isBreachwatchError } from '../model/index.js';
import { Catalog } from './catalog.js';
import { QuarantineWriter } from './quarantine.js';
import type { EventStreamOptions } from './stream.js';
import { openEventStream } from './stream.js';

const fx = (name: string): string => new URL(`../../test/fixtures/ingest/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bw-threads-'));
const catalog = new Catalog([
  { method: 'GET', route: '/v1/members/{id}/profile', fields: ['name'], kind: 'personal' },
  { method: 'GET', route: '/v1/orders', fields: ['order_history'], kind: 'personal' },
]);

interface Run { events: string[]; quarantine: string[]; stats: unknown }

async function run(parseThreads: number, o: Partial<EventStreamOptions>): Promise<Run> {
  const q = new QuarantineWriter();
  const s = openEventStream({ access: [], ledger: [], catalog, keys: [], strict: false, reorderBoundMs: 60_000, quarantine: q, parseThreads, ...o });
  const events: string[] = [];
  // JSON.stringify keeps key order: the events must have the same fields in the same order.
  for await (const b of s) for (const e of b) events.push(JSON.stringify(e satisfies PipelineEvent));
  return { events, quarantine: q.records.map((r) => JSON.stringify(r)), stats: s.stats() };
}

const iso = (t: number): string => new Date(t).toISOString();
const T0 = Date.parse('2025-06-01T00:00:00Z');

/** Every shape of line: good, reordered, blank, CRLF, BOM, bad JSON, bad fields, path-only, lowercase method, duplicates, surrogates, escapes. */
function mixedLines(n: number, seed: number): string[] {
  const out: string[] = ['\uFEFF' + JSON.stringify({ time: iso(T0), src_ip: '10.0.0.9', method: 'GET', route: '/v1/orders', status: 200 })];
  let x = seed;
  const rnd = (): number => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 1000 - Math.floor(rnd() * 30_000); // out of order within the reorder bound
    const base = {
      time: iso(t), request_id: `r-${Math.floor(rnd() * n * 0.9)}`, src_ip: `10.0.${i % 7}.${i % 250}`, user_agent: 'UA "quoted" \\ back/slash',
      method: 'GET', route: '/v1/orders', status: 200, bytes: 100 + i, records: i % 3, country: 'KR', asn: i % 2 === 0 ? 4766 : 'AS3786',
      account_id: `m-${i % 97}`, token: { jti: `j-${i % 131}`, kid: 'k1', sub: `m-${i % 89}`, iat: 1_748_736_000, exp: 1_748_739_600, client_id: 'ios' },
    };
    const k = i % 23;
    if (k === 0) out.push('');
    else if (k === 1) out.push('{"time": nope');
    else if (k === 2) out.push('[1,2]');
    else if (k === 3) out.push(JSON.stringify({ ...base, status: 'x' }));
    else if (k === 4) out.push(JSON.stringify({ ...base, route: undefined, path: '/v1/members/42/profile' }));
    else if (k === 5) out.push(JSON.stringify({ ...base, route: undefined, path: '/nowhere' }));
    else if (k === 6) out.push(JSON.stringify({ ...base, method: 'get' }));
    else if (k === 7) out.push(JSON.stringify({ ...base, user_agent: 'lone \uD800 here' }).replace('\uD800', '\\ud800'));
    else if (k === 8) out.push(JSON.stringify({ ...base, user_agent: 'pair \uD83D\uDE00 ok' }).replace('\uD83D\uDE00', '\\ud83d\\ude00'));
    else if (k === 9) out.push(`${JSON.stringify(base)}\r`);
    else if (k === 10) out.push(JSON.stringify({ ...base, time: 'yesterday' }));
    else if (k === 11) out.push(JSON.stringify({ session_id: 's-1', ...base, status: 201 }));
    else if (k === 12) out.push(JSON.stringify({ ...base, token: undefined, account_id: undefined, request_id: '' }));
    else if (k === 13) out.push(JSON.stringify({ ...base, bytes: -5 }));
    else if (k === 14) out.push(JSON.stringify({ ...base, token: { ...base.token, iss: 'https://idp', client_id: undefined } }));
    else if (k === 15) out.push(`{"time":"${iso(t)}","time":"${iso(t + 1)}","src_ip":"1.1.1.1","method":"GET","route":"/v1/orders","status":200}`);
    else if (k === 16) out.push(JSON.stringify({ ...base, ü: 'ünïcode', country: 'Ü' }));
    else out.push(JSON.stringify(base));
  }
  return out;
}

describe('parse threads', () => {
  it('give the same events, order, counts and quarantine as the main thread, over several files and every line shape', async () => {
    const files = [0, 1, 2].map((f) => {
      const p = join(dir, `mixed-${f}.ndjson`);
      writeFileSync(p, `${mixedLines(9000, f + 1).join('\n')}\n`);
      return p;
    });
    const gz = join(dir, 'mixed-gz.ndjson.gz');
    writeFileSync(gz, gzipSync(`${mixedLines(5000, 7).join('\n')}\n`));
    const o = { access: [...files, gz, fx('access-good.ndjson'), fx('access-bad.ndjson')], ledger: [fx('ledger.ndjson')] };
    const main = await run(0, o);
    expect(main.events.length).toBeGreaterThan(10_000);
    expect(main.quarantine.length).toBeGreaterThan(3000);
    for (const threads of [1, 2, 4]) {
      const w = await run(threads, o);
      expect(w.stats).toEqual(main.stats);
      expect(w.quarantine).toEqual(main.quarantine);
      expect(w.events).toEqual(main.events);
    }
  });

  it('leave jwt lines to the main thread, which checks their signatures against the registry', async () => {
    const kp = await generateKeyPair('ES256');
    const keys: KeyRecord[] = [{ kid: 'k1', alg: 'ES256', created: '2024-01-01T00:00:00Z', storage: 'hsm', custodians: [], jwk: await exportJWK(kp.publicKey) } as unknown as KeyRecord];
    const jwt = await new SignJWT({ jti: 'j', sub: 'm-1', iat: 1, exp: 2 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(kp.privateKey);
    const file = join(dir, 'jwt.ndjson');
    writeFileSync(file, `${JSON.stringify({ time: '2025-01-01T00:00:00Z', src_ip: '1.2.3.4', method: 'GET', route: '/v1/orders', status: 200, jwt })}\n`);
    const main = await run(0, { access: [file], keys });
    const w = await run(2, { access: [file], keys });
    expect(w.events).toEqual(main.events);
    expect(JSON.parse(w.events[0]!)).toMatchObject({ token: { jti: 'j' }, sig: 'valid' });
  });

  it('report a file that cannot be read as the main thread does', async () => {
    const missing = join(dir, 'gone.ndjson');
    const err = await run(2, { access: [missing] }).catch((e: unknown) => e);
    expect(isBreachwatchError(err) && err.code).toBe('ERR_INPUT_UNREADABLE');
  });
});
