/**
 * The DetectContext the engine hands to detectors: reference data, settings, a route lookup
 * built once from the catalog (two nested maps, so a lookup allocates nothing), the shared
 * feed state (ledger, coverage, clocks) and `emit`.
 */
import type { CatalogRoute, Finding, ReferenceData, RouteKind } from '../model/index.js';
import type { DetectContext, DetectSettings } from './detector.js';
import { FeedState } from './feed/feed-state.js';

/** Route metadata as detectors see it. */
export interface RouteInfo {
  readonly kind: RouteKind;
  readonly fields: readonly string[];
}

/** method → route → info, from the catalog. */
export class RouteTable {
  private readonly byMethod = new Map<string, Map<string, RouteInfo>>();

  constructor(routes: readonly CatalogRoute[]) {
    for (const r of routes) {
      const method = r.method.toUpperCase();
      let m = this.byMethod.get(method);
      if (m === undefined) {
        m = new Map();
        this.byMethod.set(method, m);
      }
      m.set(r.route, { kind: r.kind, fields: r.fields });
    }
  }

  /** Info for (method, route), or undefined when the catalog does not list it. */
  get(method: string, route: string): RouteInfo | undefined {
    const m = this.byMethod.get(method) ?? this.byMethod.get(method.toUpperCase());
    return m?.get(route);
  }
}

/**
 * Builds the context object detectors receive, with its own route table and feed state (the
 * engine builds one per run; tests may build one to drive a detector by hand).
 */
export function makeContext(ref: ReferenceData, settings: DetectSettings, emit: (f: Finding) => void): DetectContext {
  const routes = new RouteTable(ref.catalog);
  const feed = new FeedState(settings, routes, ref);
  return {
    ref,
    settings,
    routes,
    ledger: feed.ledger,
    feed,
    routeInfo: (method, route) => routes.get(method, route),
    emit,
  };
}
