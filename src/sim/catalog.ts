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

/** A route of the table; a missing perRecord or bit is 0. */
function r(d: Omit<SimRoute, 'frag' | 'perRecord' | 'bit'> & Partial<Pick<SimRoute, 'perRecord' | 'bit'>>): SimRoute {
  return { perRecord: 0, bit: 0, ...d, frag: `"method":"${d.method}","route":"${d.route}"` };
}

/** Every route, by short name. */
export const R = {
  addresses: r({ method: 'GET', route: '/v1/members/{id}/addresses', kind: 'personal', fields: ['name', 'phone', 'address', 'entrance_code'], base: 220, perRecord: 410, bit: 1 }),
  profile: r({ method: 'GET', route: '/v1/members/{id}/profile', kind: 'personal', fields: ['name', 'email', 'phone'], base: 640, bit: 2 }),
  orders: r({ method: 'GET', route: '/v1/orders', kind: 'personal', fields: ['order_history', 'address'], base: 300, perRecord: 520, bit: 4 }),
  order: r({ method: 'GET', route: '/v1/orders/{id}', kind: 'personal', fields: ['order_history', 'name', 'phone', 'address'], base: 1900, bit: 8 }),
  products: r({ method: 'GET', route: '/v1/products', kind: 'browse', fields: [], base: 18000 }),
  product: r({ method: 'GET', route: '/v1/products/{id}', kind: 'browse', fields: [], base: 9000 }),
  search: r({ method: 'GET', route: '/v1/search', kind: 'browse', fields: [], base: 14000 }),
  category: r({ method: 'GET', route: '/v1/categories/{id}', kind: 'browse', fields: [], base: 16000 }),
  cart: r({ method: 'GET', route: '/v1/cart', kind: 'cart', fields: [], base: 1200, perRecord: 600 }),
  cartAdd: r({ method: 'POST', route: '/v1/cart/items', kind: 'cart', fields: [], base: 180 }),
  cartDel: r({ method: 'DELETE', route: '/v1/cart/items/{id}', kind: 'cart', fields: [], base: 90 }),
  checkout: r({ method: 'POST', route: '/v1/checkout', kind: 'checkout', fields: [], base: 820 }),
  payment: r({ method: 'POST', route: '/v1/payments', kind: 'checkout', fields: [], base: 450 }),
  login: r({ method: 'POST', route: '/v1/auth/login', kind: 'auth', fields: [], base: 1100 }),
  refresh: r({ method: 'POST', route: '/v1/auth/refresh', kind: 'auth', fields: [], base: 1050 }),
  logout: r({ method: 'POST', route: '/v1/auth/logout', kind: 'auth', fields: [], base: 40 }),
  banners: r({ method: 'GET', route: '/v1/banners', kind: 'other', fields: [], base: 5200 }),
  telemetry: r({ method: 'POST', route: '/v1/events', kind: 'other', fields: [], base: 30 }),
  config: r({ method: 'GET', route: '/v1/app/config', kind: 'other', fields: [], base: 2400 }),
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
