/**
 * The fixed-shape entry writer gives exactly encodeEntry's text whenever it writes at all, and
 * writes the shapes a batch appends by the million (request lines, account evidence) itself:
 * odd strings, other numbers, keys more or less, oversized entries and bad times are left to
 * encodeEntry (which writes or refuses them).
 */
import { describe, expect, it } from 'vitest';
import { MAX_ENTRY_BYTES } from './defaults.js';
import { encodeEntry, type NewEntry } from './entry.js';
import { fixedEntryText } from './entry-fixed.js';

const NOW = '2026-03-01T09:00:00.000Z';
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** What the fixed-shape writer spelled, or null when it left the entry to encodeEntry. */
function fixed(e: unknown): string | null {
  return fixedEntryText(e as NewEntry, NOW) ?? null;
}

function generic(e: unknown): string | null {
  const r = encodeEntry(e as NewEntry, NOW);
  return r.ok ? r.value : null;
}

/** The writer agrees with encodeEntry: same text, or it declined. Returns what it did. */
function agree(e: unknown): 'fixed' | 'declined' {
  const f = fixed(e);
  if (f !== null) expect(f).toBe(generic(e));
  return f === null ? 'declined' : 'fixed';
}

const line = (p: Record<string, unknown>): unknown => ({ kind: 'request_line', payload: { file: 'access-2025-06-24.ndjson.gz', line: 7, sha256: SHA, ...p } });
const ref = (p: Record<string, unknown> = {}): Record<string, unknown> => ({ file: 'a.ndjson', line: 3, sha256: SHA, ...p });
const account = (p: Record<string, unknown> = {}): unknown => ({
  kind: 'account_evidence',
  payload: {
    incident_id: 'inc-1', run_id: 'run-1', account_id: 'm-100001', fields: ['name', 'phone'], first_access: '2025-06-24T00:00:00Z',
    last_access: '2025-06-24T01:00:00Z', accesses: 3, part: 1, parts: 1, lines: [ref(), ref({ line: 4, sha256: null })], ...p,
  },
});

// Strings whose JSON spelling is not themselves, or that have none (lone surrogates).
const ODD = ['"', '\\', 'a"b', 'x\\y', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '위조', '\u2028', '\ud83d\ude00', '\ud800', 'x\udc00'];
// Strings that are their own JSON body.
const PLAIN = ['', ' ', '~', '!#$%&\'()*+,-./:;<=>?@[]^_`{|}', 'access-2025-06-24.ndjson.gz', SHA];

describe('fixedEntryText', () => {
  it('writes request lines and account evidence itself, exactly as encodeEntry', () => {
    for (const e of [line({}), line({ account_id: 'm-1' }), line({ line: 0 }), line({ line: Number.MAX_SAFE_INTEGER }), line({ line: -12 }), account(), account({ lines: [] }), account({ fields: [] })]) {
      expect(agree(e)).toBe('fixed');
    }
    expect(fixed(line({}))).toBe(`{"kind":"request_line","payload":{"file":"access-2025-06-24.ndjson.gz","line":7,"sha256":"${SHA}"},"time":"${NOW}"}`);
  });

  it('takes keys in any order, as the canonical form sorts them', () => {
    const e = { kind: 'request_line', payload: { sha256: SHA, account_id: 'm-2', line: 9, file: 'f' } };
    expect(agree(e)).toBe('fixed');
    const p = (account() as { payload: Record<string, unknown> }).payload;
    const reversed = Object.fromEntries(Object.entries(p).reverse());
    expect(agree({ kind: 'account_evidence', payload: { ...reversed, lines: [{ sha256: SHA, line: 1, file: 'z' }] } })).toBe('fixed');
    expect(agree({ kind: 'request_line', payload: Object.assign(Object.create(null) as object, { file: 'f', line: 1, sha256: SHA }) })).toBe('fixed');
  });

  it('plain strings in every place are written; odd ones are left to encodeEntry', () => {
    const places = [
      (s: string) => line({ file: s }), (s: string) => line({ sha256: s }), (s: string) => line({ account_id: s }),
      (s: string) => account({ account_id: s }), (s: string) => account({ incident_id: s }), (s: string) => account({ run_id: s }),
      (s: string) => account({ first_access: s }), (s: string) => account({ last_access: s }), (s: string) => account({ fields: ['a', s] }),
      (s: string) => account({ lines: [ref(), ref({ file: s })] }), (s: string) => account({ lines: [ref({ sha256: s })] }),
    ];
    for (const at of places) {
      for (const s of PLAIN) expect([s, agree(at(s))]).toEqual([s, 'fixed']);
      for (const s of ODD) expect([s, agree(at(s))]).toEqual([s, 'declined']);
    }
  });

  it('numbers other than safe integers are left to encodeEntry; -0 is written as 0', () => {
    expect(fixed(line({ line: -0 }))).toBe(generic(line({ line: 0 })));
    for (const n of [1.5, 1e21, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY, '7', null, true, 10n]) {
      for (const e of [line({ line: n }), account({ accesses: n }), account({ part: n }), account({ parts: n }), account({ lines: [ref({ line: n })] })]) {
        expect(agree(e)).toBe('declined');
      }
    }
  });

  it('any other shape is left to encodeEntry', () => {
    const { sha256: _sha, ...noHash } = ref();
    const others = [
      line({ extra: 1 }), line({ account_id: undefined }), line({ sha256: null }), line({ file: ['x'] }),
      { kind: 'request_line', payload: noHash }, { kind: 'request_line', payload: [1, 2, 3] }, { kind: 'request_line', payload: new Map() },
      account({ extra: 'x' }), account({ lines: [ref({ problem: 'line_missing' })] }), account({ lines: [noHash] }), account({ lines: [[1]] }),
      account({ lines: ref() }), account({ fields: 'name' }), account({ fields: [['name']] }), account({ lines: [new (class { file = 'f'; line = 1; sha256 = SHA })()] }),
      // eslint-disable-next-line no-sparse-arrays
      account({ lines: [ref(), , ref()] }), account({ fields: [undefined] }),
      { kind: 'alert', payload: { id: 'a' } }, { kind: 'nope', payload: {} },
      { kind: 'request_line', payload: { file: 'f', line: 1, sha256: SHA }, time: 'not a time' },
    ];
    for (const e of others) expect(agree(e)).toBe('declined');
  });

  it('uses the entry\'s own time when it has one, as encodeEntry does', () => {
    for (const time of ['2025-06-24T00:00:00Z', new Date(Date.UTC(2025, 5, 24, 1, 2, 3, 4)), '2025-06-24T09:00:00+09:00']) {
      expect(agree({ ...(line({}) as object), time })).toBe('fixed');
    }
  });

  it('an entry over MAX_ENTRY_BYTES is left to encodeEntry, which refuses it', () => {
    const huge = account({ lines: Array.from({ length: Math.ceil(MAX_ENTRY_BYTES / 90) }, (_, i) => ref({ line: i })) });
    expect(fixed(huge)).toBeNull();
    expect(encodeEntry(huge as NewEntry, NOW)).toMatchObject({ ok: false, issues: [{ code: 'entry_too_large' }] });
    const justUnder = account({ lines: Array.from({ length: 5000 }, (_, i) => ref({ line: i })) });
    expect(agree(justUnder)).toBe('fixed');
  });

  it('agrees with encodeEntry over many generated entries', () => {
    let seed = 12345;
    const r = (n: number): number => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed % n; };
    const chars = ['a', 'Z', '0', ' ', '~', '"', '\\', '\n', 'é', '\ud83d', '\ude00', '\u007f', '/'];
    const s = (): string => Array.from({ length: r(6) }, () => chars[r(chars.length)]).join('');
    const n = (): unknown => [0, -0, 1, -1, 42, 2 ** 40, 0.5, 2 ** 53][r(8)];
    let wrote = 0;
    for (let i = 0; i < 3000; i++) {
      const e = r(2) === 0
        ? line({ file: s(), line: n(), sha256: s(), ...(r(2) === 0 && { account_id: s() }) })
        : account({ account_id: s(), fields: [s(), s()], accesses: n(), lines: Array.from({ length: r(4) }, () => ref({ file: s(), line: n(), sha256: r(3) === 0 ? null : s() })) });
      if (agree(e) === 'fixed') wrote++;
    }
    expect(wrote).toBeGreaterThan(100);
  });
});
