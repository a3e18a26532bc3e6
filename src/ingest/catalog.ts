/**
 * The API catalog as a lookup structure: exact (method, route) lookups and resolution of a
 * concrete request path (`/v1/members/m-1/addresses?x=1`) to its templated route
 * (`/v1/members/{id}/addresses`). Built once; every lookup is allocation-light.
 */
import type { CatalogRoute } from '../model/index.js';

/** One node of the per-method segment trie. */
interface TrieNode {
  readonly literal: Map<string, TrieNode>;
  param: TrieNode | undefined;
  route: string | undefined;
}

function newNode(): TrieNode {
  return { literal: new Map(), param: undefined, route: undefined };
}

/** Splits a path into segments, without the query string, fragment or empty segments. */
function segments(path: string): string[] {
  let end = path.length;
  const q = path.indexOf('?');
  if (q >= 0) end = q;
  const h = path.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const parts = path.slice(0, end).split('/');
  return parts.filter((p) => p.length > 0);
}

/** A whole-segment template parameter such as `{id}`. */
function isParam(seg: string): boolean {
  return seg.length >= 2 && seg.charCodeAt(0) === 123 && seg.charCodeAt(seg.length - 1) === 125;
}

/**
 * The catalog's routes, indexed. Methods are matched case-insensitively.
 *
 * @example
 * const c = new Catalog(routes);
 * c.resolvePath('GET', '/v1/members/m-1/addresses?x=1'); // '/v1/members/{id}/addresses'
 * c.lookup('GET', '/v1/members/{id}/addresses')?.kind;  // 'personal'
 */
export class Catalog {
  readonly routes: readonly CatalogRoute[];
  private readonly byMethod = new Map<string, Map<string, CatalogRoute>>();
  private readonly tries = new Map<string, TrieNode>();

  constructor(routes: readonly CatalogRoute[]) {
    this.routes = routes;
    for (const r of routes) {
      const method = r.method.toUpperCase();
      let m = this.byMethod.get(method);
      if (m === undefined) this.byMethod.set(method, (m = new Map<string, CatalogRoute>()));
      if (!m.has(r.route)) m.set(r.route, r);
      let node = this.tries.get(method);
      if (node === undefined) this.tries.set(method, (node = newNode()));
      for (const seg of segments(r.route)) {
        if (isParam(seg)) {
          node = node.param ??= newNode();
        } else {
          let next = node.literal.get(seg);
          if (next === undefined) node.literal.set(seg, (next = newNode()));
          node = next;
        }
      }
      node.route ??= r.route;
    }
  }

  /** The catalog entry for a templated route, or `undefined`. */
  lookup(method: string, route: string): CatalogRoute | undefined {
    const m = this.byMethod.get(method) ?? this.byMethod.get(method.toUpperCase());
    return m?.get(route);
  }

  /**
   * Maps a concrete path to the templated route it matches, or `undefined`. Literal segments
   * win over `{param}` segments; the query string and fragment are ignored.
   */
  resolvePath(method: string, path: string): string | undefined {
    const root = this.tries.get(method) ?? this.tries.get(method.toUpperCase());
    if (root === undefined) return undefined;
    return match(root, segments(path), 0);
  }
}

/** Depth-first match preferring literal segments, backtracking to parameters. */
function match(node: TrieNode, segs: readonly string[], i: number): string | undefined {
  const seg = segs[i];
  if (seg === undefined) return node.route;
  const lit = node.literal.get(seg);
  if (lit !== undefined) {
    const r = match(lit, segs, i + 1);
    if (r !== undefined) return r;
  }
  return node.param === undefined ? undefined : match(node.param, segs, i + 1);
}
