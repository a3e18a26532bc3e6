/**
 * Synthetic traffic for the serve tests and benchmarks: customers whose tokens the ledger
 * issued (a fresh one every 25 events, so the ledger visibly records throughout), and
 * (optionally) a forged token — validly shaped, claiming issuance half a second before its
 * use, never issued — reading many customers' addresses, every n-th event from the 2n-th on
 * (once the ledger has been recording for a while).
 * Deterministic; one event every `stepMs` of event time.
 */

/** What {@link traffic} makes. */
export interface Traffic {
  readonly access: string[];
  readonly ledger: string[];
  /** jtis of forged tokens. */
  readonly forged: string[];
}

/** Options of {@link traffic}. */
export interface TrafficOptions {
  readonly events: number;
  readonly startMs?: number;
  readonly stepMs?: number;
  /** Every n-th access event (from the 2n-th on) uses a forged token (0 = none). */
  readonly forgedEvery?: number;
  /** Distinct forged tokens to rotate through. */
  readonly forgedTokens?: number;
  readonly prefix?: string;
}

const KID = 'sig-2024-01';

/** Builds access and ledger lines. */
export function traffic(o: TrafficOptions): Traffic {
  const start = o.startMs ?? Date.parse('2025-06-24T00:00:00Z');
  const step = o.stepMs ?? 10;
  const prefix = o.prefix ?? 'r';
  const access: string[] = [];
  const ledger: string[] = [];
  const forged: string[] = [];
  const nForged = o.forgedTokens ?? 1;
  for (let f = 0; f < nForged; f++) forged.push(`${prefix}-forged-${f}`);
  const tokens = new Map<number, { jti: string; iat: number; sub: string }>();
  for (let i = 0; i < o.events; i++) {
    const t = start + i * step;
    let iat = Math.floor(t / 1000) - 5;
    const every = o.forgedEvery ?? 0;
    const isForged = every > 0 && i >= every && i % every === every - 1;
    let acct = `m-${(i * 7919) % 5000}`;
    let jti: string;
    let sub: string;
    if (isForged) {
      jti = forged[Math.floor(i / every) % nForged] as string;
      sub = 'm-attacker';
      iat = Math.floor((t - 500) / 1000);
    } else {
      const c = i % 500;
      let tok = tokens.get(c);
      if (tok === undefined || i % 25 === 0) {
        tok = { jti: `${prefix}-tok-${c}-${i}`, iat, sub: acct };
        tokens.set(c, tok);
        ledger.push(JSON.stringify({ time: new Date(t - 2000).toISOString(), jti: tok.jti, kid: KID, sub: acct, exp: iat + 3600, client_id: 'ios', grant: 'password' }));
      }
      jti = tok.jti;
      iat = tok.iat;
      sub = tok.sub;
      acct = tok.sub;
    }
    access.push(JSON.stringify({
      time: new Date(t).toISOString(), request_id: `${prefix}-${i}`, src_ip: isForged ? '203.0.113.7' : `198.51.100.${i % 200}`,
      user_agent: 'ShopApp/7.1', method: 'GET', route: '/v1/members/{id}/addresses', status: 200, records: 2,
      account_id: acct, token: { jti, kid: KID, sub, iat, exp: iat + 3600, client_id: 'ios' },
    }));
  }
  return { access, ledger, forged };
}
