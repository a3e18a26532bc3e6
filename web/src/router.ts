/**
 * Hash routing (`#/alerts`, `#/alerts/<id>`, `#/audit`, `#/scope/<job>`, `#/incidents/<id>`): works from any
 * static mount without server-side fallbacks. Hashes not starting with `#/` (the skip link's
 * `#main`) are in-page anchors and leave the current view alone.
 */

/** A matched route: the path's captured parts and the hash's query string. */
export interface Route {
  readonly path: string;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
}

/** One entry of the route table: a path pattern (anchored) and what to do on a match. */
export type RouteEntry = readonly [pattern: RegExp, handler: (route: Route) => void];

/** Splits `#/alerts/x?severity=high` into path `/alerts/x` and its query. */
export function parseHash(hash: string): { path: string; query: URLSearchParams } | null {
  if (!hash.startsWith('#/')) return null;
  const body = hash.slice(1);
  const q = body.indexOf('?');
  return q < 0
    ? { path: body, query: new URLSearchParams() }
    : { path: body.slice(0, q), query: new URLSearchParams(body.slice(q + 1)) };
}

/** Builds a hash for `path` with optional query parameters (empty values dropped). */
export function hrefOf(path: string, query: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') p.set(k, v);
  const qs = p.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Starts routing: calls the first matching handler now and on every hash change; an
 * unknown or empty hash is replaced by `fallback`.
 */
export function startRouter(table: readonly RouteEntry[], fallback: string): void {
  let routed = false;
  const dispatch = (): void => {
    const parsed = parseHash(location.hash);
    if (parsed === null) {
      // An in-page anchor keeps the current view; on first load there is none yet.
      if (!routed) location.replace(fallback);
      return;
    }
    routed = true;
    for (const [pattern, handler] of table) {
      const m = pattern.exec(parsed.path);
      if (m) {
        handler({ path: parsed.path, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')), query: parsed.query });
        return;
      }
    }
    location.replace(fallback);
  };
  window.addEventListener('hashchange', dispatch);
  dispatch();
}
