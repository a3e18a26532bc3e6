/**
 * One-pass multi-pattern search (Aho–Corasick) with ASCII case folding built in, so a field is
 * scanned once for every case-insensitive literal of every rule, with no lower-cased copy and no
 * per-match allocation. ASCII transitions are a dense table (a DFA); other characters follow
 * goto/fail links. Non-ASCII characters are folded with `toLowerCase` one code unit at a time.
 */

const W = 128; // dense columns: ASCII

function fold(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  const l = String.fromCharCode(c).toLowerCase();
  return l.length === 1 ? l.charCodeAt(0) : c;
}

/** A compiled set of lower-case patterns. */
export class MultiSearch {
  private readonly delta: Int32Array;
  private readonly wide: Map<number, number>[];
  private readonly fail: Int32Array;
  /** For each state, the patterns ending there (own and via fail links). */
  private readonly out: (readonly number[] | undefined)[];
  /** Pattern lengths in code units. */
  readonly lengths: readonly number[];

  constructor(patterns: readonly string[]) {
    const gotoAscii: Int32Array[] = [new Int32Array(W).fill(-1)];
    const wide: Map<number, number>[] = [new Map<number, number>()];
    const own: number[][] = [[]];
    patterns.forEach((p, pi) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const c = fold(p.charCodeAt(i));
        let nx = c < W ? gotoAscii[s]![c]! : (wide[s]!.get(c) ?? -1);
        if (nx < 0) {
          nx = gotoAscii.length;
          gotoAscii.push(new Int32Array(W).fill(-1));
          wide.push(new Map<number, number>());
          own.push([]);
          if (c < W) gotoAscii[s]![c] = nx; else wide[s]!.set(c, nx);
        }
        s = nx;
      }
      own[s]!.push(pi);
    });
    const n = gotoAscii.length;
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * W);
    const out: (number[] | undefined)[] = new Array<number[] | undefined>(n);
    // Breadth-first: fail links, merged outputs, and the dense ASCII transition table.
    const queue: number[] = [0];
    for (let c = 0; c < W; c++) delta[c] = Math.max(0, gotoAscii[0]![c]!);
    out[0] = own[0]!.length ? own[0] : undefined;
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const children: [number, number][] = [];
      for (let c = 0; c < W; c++) { const t = gotoAscii[s]![c]!; if (t >= 0) children.push([c, t]); }
      for (const [c, t] of wide[s]!) children.push([c, t]);
      for (const [c, t] of children) {
        let f = s === 0 ? 0 : this.stepWith(delta, wide, fail, s, c, true);
        if (f === t) f = 0;
        fail[t] = f;
        const merged = [...own[t]!, ...(out[f] ?? [])];
        out[t] = merged.length ? merged : undefined;
        for (let a = 0; a < W; a++) { const g = gotoAscii[t]![a]!; delta[t * W + a] = g >= 0 ? g : delta[f * W + a]!; }
        queue.push(t);
      }
    }
    this.delta = delta;
    this.wide = wide;
    this.fail = fail;
    this.out = out;
    this.lengths = patterns.map((p) => p.length);
  }

  /** Transition from `s` on folded char `c` (uses fail links for non-ASCII). */
  private stepWith(delta: Int32Array, wide: Map<number, number>[], fail: Int32Array, s: number, c: number, fromFail: boolean): number {
    if (c < W) return delta[(fromFail ? fail[s]! : s) * W + c]!;
    let x = fromFail ? fail[s]! : s;
    for (;;) {
      const t = wide[x]!.get(c);
      if (t !== undefined) return t;
      if (x === 0) return 0;
      x = fail[x]!;
    }
  }

  /** Calls `hit(pattern, end)` for every occurrence (`end` exclusive), case-insensitively. */
  scan(text: string, hit: (pattern: number, end: number) => void): void {
    const delta = this.delta, out = this.out;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < W) { if (c >= 65 && c <= 90) c += 32; s = delta[s * W + c]!; }
      else s = this.stepWith(delta, this.wide, this.fail, s, fold(c), false);
      const o = out[s];
      if (o !== undefined) for (let k = 0; k < o.length; k++) hit(o[k]!, i + 1);
    }
  }
}
