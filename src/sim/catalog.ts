/**
 * The platform's API routes (contract §5) with what each returns and how large responses are,
 * and the catalog.yaml writer. Route objects carry a prebuilt JSON fragment for speed.
 */
import type { RouteKind } from '../model/index.js';

/** One route as the simulator uses it. */
export interface SimRoute {
  readonly method: string;
  readonly route: string;
  readonly kind: RouteKind;
  readonly fields: readonly string[];
  /** Response size: base bytes plus bytes per record. */
  readonly base: number;
  readonly perRecord: number;
  /** Bit in an account's exposure mask (personal routes only; 0 otherwise). */
  readonly bit: number;
  /** `"method":"GET","route":"…"` */
  readonly frag: string;
}

function r(method: string, route: string, kind: RouteKind, fields: string[], base: number, perRecord = 0, bit = 0): SimRoute {
  return { method, route, kind, fields, base, perRecord, bit, frag: `"method":"${method}","route":"${route}"` };
}

/** Every route, by short name. */
export const R = {
  addresses: r('GET', '/v1/members/{id}/addresses', 'personal', ['name', 'phone', 'address', 'entrance_code'], 220, 410, 1),
  profile: r('GET', '/v1/members/{id}/profile', 'personal', ['name', 'email', 'phone'], 640, 0, 2),
  orders: r('GET', '/v1/orders', 'personal', ['order_history', 'address'], 300, 520, 4),
  order: r('GET', '/v1/orders/{id}', 'personal', ['order_history', 'name', 'phone', 'address'], 1900, 0, 8),
  products: r('GET', '/v1/products', 'browse', [], 18000, 0),
  product: r('GET', '/v1/products/{id}', 'browse', [], 9000, 0),
  search: r('GET', '/v1/search', 'browse', [], 14000, 0),
  category: r('GET', '/v1/categories/{id}', 'browse', [], 16000, 0),
  cart: r('GET', '/v1/cart', 'cart', [], 1200, 600),
  cartAdd: r('POST', '/v1/cart/items', 'cart', [], 180, 0),
  cartDel: r('DELETE', '/v1/cart/items/{id}', 'cart', [], 90, 0),
  checkout: r('POST', '/v1/checkout', 'checkout', [], 820, 0),
  payment: r('POST', '/v1/payments', 'checkout', [], 450, 0),
  login: r('POST', '/v1/auth/login', 'auth', [], 1100, 0),
  refresh: r('POST', '/v1/auth/refresh', 'auth', [], 1050, 0),
  logout: r('POST', '/v1/auth/logout', 'auth', [], 40, 0),
  banners: r('GET', '/v1/banners', 'other', [], 5200, 0),
  telemetry: r('POST', '/v1/events', 'other', [], 30, 0),
  config: r('GET', '/v1/app/config', 'other', [], 2400, 0),
} as const;

/** Personal routes in exposure-bit order. */
export const PERSONAL_ROUTES: readonly SimRoute[] = [R.addresses, R.profile, R.orders, R.order];

/** Union of the fields exposed by the routes in `mask`. */
export function fieldsOfMask(mask: number): string[] {
  const out = new Set<string>();
  for (const route of PERSONAL_ROUTES) if (mask & route.bit) for (const f of route.fields) out.add(f);
  return [...out].sort();
}

/** catalog.yaml text (contract §5). */
export function catalogYaml(): string {
  const lines = ['# API catalog: which personal data each route returns (breachwatch contract §5)', 'routes:'];
  for (const x of Object.values(R)) {
    lines.push(`  - { method: ${x.method}, route: "${x.route}", fields: [${x.fields.join(', ')}], kind: ${x.kind} }`);
  }
  return lines.join('\n') + '\n';
}
