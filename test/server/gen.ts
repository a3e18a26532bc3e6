/**
 * Synthetic traffic for the serve tests and benchmarks: customers whose tokens the ledger
 * issued, and (optionally) a forged token — validly shaped, never issued — reading many
 * customers' addresses. Deterministic; one event every `stepMs` of event time.
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
  /** Every n-th access event uses a forged token (0 = none). */
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
    const isForged = (o.forgedEvery ?? 0) > 0 && i % (o.forgedEvery as number) === 0;
    let acct = `m-${(i * 7919) % 5000}`;
    let jti: string;
    let sub: string;
    if (isForged) {
      jti = forged[Math.floor(i / (o.forgedEvery as number)) % nForged] as string;
      sub = 'm-attacker';
    } else {
      const c = i % 500;
      let tok = tokens.get(c);
      if (tok === undefined || i % 4000 === c) {
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
