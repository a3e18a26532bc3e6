/**
 * `revoke-sessions`: one Security Event Token (RFC 8417) per affected account (a saved run's,
 * or given) or per token of an alert, of the OpenID CAEP `session-revoked` type, signed with
 * the transmitter key (`transmitter.ts`, jose). At execution the SETs are signed once into
 * `out/sets.json` and either pushed to the receiver (RFC 8935: `POST` of
 * `application/secevent+jwt`, 202 accepted, 400 `{err, description}` refused for good, other
 * failures retried with doubling delays) with every attempt in the delivery ledger
 * `out/deliveries.ndjson`, or written for polling (RFC 8936: `out/poll.json`, a poll
 * response). A rerun pushes only what the ledger does not show as answered.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import type { JsonObject } from '../evidence/index.js';
import type { RespondStore } from '../respond/index.js';
import { sha256Hex } from './digest.js';
import { privateDir, readJsonIfAny, writePrivate } from './files.js';
import { transmitterKey } from './transmitter.js';

/** An execution that did part of its work and can be resumed; `partial` says what was done. */
export class IncompleteExecution extends BreachwatchError {
  constructor(message: string, readonly partial: JsonObject) {
    super('ERR_STATE', message);
  }
}

/** The CAEP event type URI. */
export const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';

/** The inputs of a revoke-sessions proposal. */
export const RevokeInput = z.object({
  run_id: z.string().min(1).optional(),
  alert_ids: z.array(z.string().min(1)).max(10_000).optional(),
  accounts: z.array(z.string().min(1)).max(1_000_000).optional(),
  /** `iss` of the SETs (breachwatch as transmitter). */
  issuer: z.string().min(1),
  /** `aud` of the SETs (the receiver). */
  audience: z.string().min(1),
  /** The platform issuer the accounts' `sub` values belong to (the subject's `iss`). */
  subject_issuer: z.string().min(1),
  /** Push endpoint (RFC 8935); absent: written for polling (RFC 8936). */
  push_url: z.url().optional(),
  /** Environment variable holding the push endpoint's `Authorization` header value (never on the command line). */
  push_auth_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  push_attempts: z.number().int().min(1).max(20).optional(),
  push_base_delay_ms: z.number().int().min(1).max(600_000).optional(),
}).strict();
export type RevokeInput = z.infer<typeof RevokeInput>;

/** One subject of a SET (RFC 9493 subject identifier). */
type Subject = { format: 'iss_sub'; iss: string; sub: string } | { format: 'opaque'; id: string };

/** The plan of a revoke-sessions proposal. */
export async function planRevoke(store: RespondStore, input: RevokeInput): Promise<{ params: JsonObject; effect: JsonObject; warnings: string[] }> {
  const accounts = new Set<string>(input.accounts ?? []);
  if (input.run_id !== undefined) for await (const a of store.runAccounts(input.run_id)) accounts.add(a.account_id);
  const tokens = new Set<string>();
  if (input.alert_ids !== undefined && input.alert_ids.length > 0) {
    for (const i of await store.listIndicators(input.alert_ids)) if (i.type === 'token') tokens.add(i.value);
  }
  if (accounts.size + tokens.size === 0) throw new BreachwatchError('ERR_USAGE', 'no sessions to revoke: give --run, --alert or --account (none named an account or a token)');
  const subjects: Subject[] = [
    ...[...accounts].sort().map((sub): Subject => ({ format: 'iss_sub', iss: input.subject_issuer, sub })),
    ...[...tokens].sort().map((id): Subject => ({ format: 'opaque', id })),
  ];
  const params: JsonObject = {
    issuer: input.issuer, audience: input.audience, subject_issuer: input.subject_issuer,
    ...(input.push_url !== undefined && { push_url: input.push_url }),
    ...(input.push_auth_env !== undefined && { push_auth_env: input.push_auth_env }),
    subjects: subjects.map((s) => ({ ...s })),
    push_attempts: input.push_attempts ?? DEFAULTS.contain.pushAttempts,
    push_base_delay_ms: input.push_base_delay_ms ?? DEFAULTS.contain.pushBaseDelayMs,
  };
  const warnings = input.push_url === undefined ? ['no push endpoint: the SETs are written for polling (RFC 8936); the receiver must fetch them'] : [];
  return {
    params,
    effect: {
      sessions: { accounts: accounts.size, tokens: tokens.size, event: SESSION_REVOKED, forces: 're-login of every named account / end of every named token\'s session' },
      delivery: input.push_url === undefined ? { poll: 'out/poll.json' } : { push: input.push_url },
      accounts: [...accounts].sort(),
    },
    warnings,
  };
}

interface SignedSet { readonly jti: string; readonly set: string }

/** Signs every SET once (reused on a rerun). */
async function signAll(home: string, params: JsonObject, actionId: string, at: number, path: string): Promise<SignedSet[]> {
  const have = await readJsonIfAny<SignedSet[]>(path);
  if (have !== undefined) return have;
  const t = await transmitterKey(home);
  const subjects = params['subjects'] as unknown as Subject[];
  const iat = Math.floor(at / 1000);
  const sets: SignedSet[] = [];
  for (let i = 0; i < subjects.length; i++) {
    const jti = `${actionId}-${i}`;
    const set = await new SignJWT({
      txn: actionId, sub_id: subjects[i] as unknown as JsonObject,
      events: { [SESSION_REVOKED]: { event_timestamp: iat, initiating_entity: 'admin', reason_admin: { en: 'Session revoked during breach containment' } } },
    }).setProtectedHeader({ alg: t.alg, kid: t.kid, typ: 'secevent+jwt' })
      .setIssuer(params['issuer'] as string).setAudience(params['audience'] as string).setIssuedAt(iat).setJti(jti).sign(t.key);
    sets.push({ jti, set });
  }
  await writePrivate(path, JSON.stringify(sets));
  return sets;
}

/** One line of the delivery ledger. */
export interface DeliveryLine {
  readonly jti: string;
  readonly attempt: number;
  readonly at: string;
  /** `accepted` (202), `refused` (400/401/403, not retried), `retry` (will try again), `failed` (attempts used up). */
  readonly outcome: 'accepted' | 'refused' | 'retry' | 'failed';
  readonly status: number | null;
  readonly err?: string;
}

/** The ledger's lines so far. */
export async function readLedger(path: string): Promise<DeliveryLine[]> {
  let text = '';
  try { text = await readFile(path, 'utf8'); } catch (e) { if ((e as { code?: string }).code !== 'ENOENT') throw e; }
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as DeliveryLine);
}

/** One push attempt: the outcome and status. */
async function pushOnce(url: string, auth: string | undefined, set: string): Promise<{ outcome: 'accepted' | 'refused' | 'retry'; status: number | null; err?: string }> {
  try {
    const r = await fetch(url, {
      method: 'POST', body: set, redirect: 'error', signal: AbortSignal.timeout(DEFAULTS.contain.pushTimeoutMs),
      headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json', ...(auth !== undefined && { authorization: auth }) },
    });
    const body = await r.text();
    if (r.status === 202) return { outcome: 'accepted', status: 202 };
    if (r.status === 400 || r.status === 401 || r.status === 403) {
      let err = `http ${r.status}`;
      try { const j = JSON.parse(body) as { err?: unknown }; if (typeof j.err === 'string') err = j.err.slice(0, 60); } catch { /* no JSON body */ }
      return { outcome: 'refused', status: r.status, err };
    }
    return { outcome: 'retry', status: r.status, err: `http ${r.status}` };
  } catch (e) {
    return { outcome: 'retry', status: null, err: (e as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed' };
  }
}

/** Executes a revocation: signs, then pushes or writes for polling. Fails (resumable) when a SET ran out of attempts. */
export async function executeRevoke(home: string, params: JsonObject, actionId: string, at: number, out: string): Promise<JsonObject> {
  await privateDir(out);
  const sets = await signAll(home, params, actionId, at, join(out, 'sets.json'));
  const url = params['push_url'] as string | undefined;
  if (url === undefined) {
    await writePrivate(join(out, 'poll.json'), JSON.stringify({ sets: Object.fromEntries(sets.map((s) => [s.jti, s.set])), moreAvailable: false }));
    return { sets: sets.length, delivery: 'poll', poll: join(out, 'poll.json') };
  }
  const authEnv = params['push_auth_env'] as string | undefined;
  const auth = authEnv === undefined ? undefined : process.env[authEnv];
  if (authEnv !== undefined && auth === undefined) throw new BreachwatchError('ERR_CONFIG', `the push endpoint's credential variable ${authEnv} is not set`);
  const ledgerPath = join(out, 'deliveries.ndjson');
  const done = new Map<string, DeliveryLine>();
  for (const l of await readLedger(ledgerPath)) if (l.outcome === 'accepted' || l.outcome === 'refused') done.set(l.jti, l);
  const attempts = Number(params['push_attempts']);
  const base = Number(params['push_base_delay_ms']);
  let failed = 0;
  for (const s of sets) {
    if (done.has(s.jti)) continue;
    for (let a = 1; a <= attempts; a++) {
      const r = await pushOnce(url, auth, s.set);
      const outcome = r.outcome === 'retry' && a === attempts ? 'failed' : r.outcome;
      const line: DeliveryLine = { jti: s.jti, attempt: a, at: new Date().toISOString(), outcome, status: r.status, ...(r.err !== undefined && { err: r.err }) };
      await appendFile(ledgerPath, `${JSON.stringify(line)}\n`, { mode: 0o600 });
      if (outcome !== 'retry') {
        if (outcome === 'failed') failed++;
        else done.set(s.jti, line);
        break;
      }
      await new Promise((res) => setTimeout(res, Math.min(base * 2 ** (a - 1), DEFAULTS.contain.pushMaxDelayMs)));
    }
  }
  const accepted = [...done.values()].filter((l) => l.outcome === 'accepted').length;
  const refused = [...done.values()].filter((l) => l.outcome === 'refused').length;
  const result = { sets: sets.length, delivery: 'push', push_url: url, accepted, refused, failed, ledger: ledgerPath, sets_sha256: sha256Hex(JSON.stringify(sets.map((x) => x.jti))) };
  if (failed > 0) throw new IncompleteExecution(`${failed} of ${sets.length} SETs were not delivered after ${attempts} attempts: execute again to resume`, result);
  return result;
}
