/**
 * The portal's state, in one journal file (`state.ndjson`, 0600, in the 0700 state folder):
 * one-time-code challenges (the code's HMAC only), sessions (the token's SHA-256 only),
 * identifier lockouts, issued certificates and claims. Every change is one appended line.
 * Certificates and claims are written and fdatasync'd before they are acknowledged; the other
 * lines are written together at the end of the event-loop turn (one write for every request
 * of that turn instead of one per line), so a crash loses at most that turn's codes, sessions,
 * attempts and lockouts — the person asks for a new code. Opening replays the
 * journal, drops what has expired and rewrites it compacted; it is compacted again whenever
 * the dead lines outnumber the live ones by far, so neither memory nor the file grows with
 * traffic. One portal process per state folder (the incident's evidence log lock enforces it).
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TurnWriter } from './turn-writer.js';

/** A code sent (or, for an identifier not in the directory, pretended to be). */
export interface Challenge {
  readonly id: string;
  /** Identifier key (see `identifierKey`). */
  readonly key: string;
  /** HMAC of the challenge id and the code (hex). */
  readonly codeHash: string;
  readonly expiresAt: number;
  attempts: number;
}

/** A browser session (keyed by the SHA-256 of its cookie token). */
export interface Session {
  readonly id: string;
  readonly expiresAt: number;
  /** Waiting for the code of this challenge. */
  readonly challenge?: string;
  /** Signed in: the identifier key the code verified. */
  readonly verified?: string;
  /** When the code was verified (epoch ms). */
  readonly verifiedAt?: number;
}

/** An exposure certificate issued. */
export interface CertificateRecord {
  readonly certificate_id: string;
  readonly account_id: string;
  readonly run_id: string;
  readonly jws: string;
  readonly issued_at: string;
  readonly evidence_entry: number;
}

/** A claimant's consent (withdrawn ones are kept with the time). */
export interface ClaimRecord {
  readonly claim_id: string;
  readonly account_id: string;
  readonly name: string;
  readonly channel: 'email' | 'phone';
  readonly contact: string;
  readonly consent_version: string;
  readonly certificate_id: string;
  readonly joined_at: string;
  readonly withdrawn_at?: string;
  readonly evidence_entry: number;
}

type Line =
  | { t: 'challenge'; v: Challenge }
  | { t: 'attempt'; id: string; attempts: number }
  | { t: 'challenge_end'; id: string }
  | { t: 'session'; v: Session }
  | { t: 'session_end'; id: string }
  | { t: 'lock'; key: string; until: number }
  | { t: 'certificate'; v: CertificateRecord }
  | { t: 'claim'; v: ClaimRecord };

/** The journal file's name in the state folder. */
export const STATE_FILE = 'state.ndjson';

/** Reads the claims and certificates of a state folder without opening it for writing (`claim export`). */
export function readClaims(dir: string): { claims: ClaimRecord[]; certificates: Map<string, CertificateRecord> } {
  const s = new PortalState(dir, () => Date.now(), true);
  return { claims: [...s.claims.values()], certificates: new Map([...s.certificates.values()].map((c) => [c.certificate_id, c])) };
}

/** The state, in memory and journaled. */
export class PortalState {
  readonly challenges = new Map<string, Challenge>();
  /** identifier key → its live challenge id (one per identifier). */
  private readonly challengeOf = new Map<string, string>();
  readonly sessions = new Map<string, Session>();
  readonly locks = new Map<string, number>();
  /** account → certificate. */
  readonly certificates = new Map<string, CertificateRecord>();
  /** account → claim. */
  readonly claims = new Map<string, ClaimRecord>();
  private lines = 0;
  /** The journal's file (its fd) and the lines applied in memory, written at the end of the turn. */
  private readonly out = new TurnWriter(-1);
  private readonly path: string;

  constructor(dir: string, private readonly now: () => number, readOnly = false) {
    this.path = join(dir, STATE_FILE);
    if (!readOnly) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    }
    if (existsSync(this.path)) {
      for (const text of readFileSync(this.path, 'utf8').split('\n')) {
        if (text === '') continue;
        try {
          this.apply(JSON.parse(text) as Line);
        } catch {
          // A torn last line after a crash: what it held was never acknowledged.
        }
      }
    }
    if (!readOnly) this.compact();
  }

  private apply(l: Line): void {
    switch (l.t) {
      case 'challenge': {
        const old = this.challengeOf.get(l.v.key);
        if (old !== undefined) this.challenges.delete(old);
        this.challenges.set(l.v.id, { ...l.v });
        this.challengeOf.set(l.v.key, l.v.id);
        break;
      }
      case 'attempt': { const c = this.challenges.get(l.id); if (c !== undefined) c.attempts = l.attempts; break; }
      case 'challenge_end': {
        const c = this.challenges.get(l.id);
        if (c !== undefined && this.challengeOf.get(c.key) === l.id) this.challengeOf.delete(c.key);
        this.challenges.delete(l.id);
        break;
      }
      case 'session': this.sessions.set(l.v.id, l.v); break;
      case 'session_end': this.sessions.delete(l.id); break;
      case 'lock': this.locks.set(l.key, l.until); break;
      case 'certificate': this.certificates.set(l.v.account_id, l.v); break;
      case 'claim': this.claims.set(l.v.account_id, l.v); break;
    }
  }

  private write(l: Line, sync = false): void {
    this.apply(l);
    this.out.append(`${JSON.stringify(l)}\n`);
    if (sync) {
      this.out.flush();
      fdatasyncSync(this.out.fd);
    }
    this.lines++;
    const live = this.challenges.size + this.sessions.size + this.locks.size + this.certificates.size + this.claims.size;
    if (this.lines > 10_000 && this.lines > 4 * live) this.compact();
  }

  /** Drops expired entries from memory (the journal follows at the next compaction). */
  sweep(): void {
    const t = this.now();
    for (const [id, c] of this.challenges) {
      if (c.expiresAt <= t) { this.challenges.delete(id); if (this.challengeOf.get(c.key) === id) this.challengeOf.delete(c.key); }
    }
    for (const [id, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(id);
    for (const [k, until] of this.locks) if (until <= t) this.locks.delete(k);
  }

  /** Rewrites the journal with only the live state (atomically), and appends from there. */
  compact(): void {
    this.sweep();
    // What is queued is already in memory, so in the compacted file.
    this.out.discard();
    if (this.out.fd >= 0) closeSync(this.out.fd);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    const out: Line[] = [
      ...[...this.challenges.values()].map((v): Line => ({ t: 'challenge', v })),
      ...[...this.sessions.values()].map((v): Line => ({ t: 'session', v })),
      ...[...this.locks].map(([key, until]): Line => ({ t: 'lock', key, until })),
      ...[...this.certificates.values()].map((v): Line => ({ t: 'certificate', v })),
      ...[...this.claims.values()].map((v): Line => ({ t: 'claim', v })),
    ];
    if (out.length > 0) writeSync(fd, out.map((l) => JSON.stringify(l)).join('\n') + '\n');
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    this.out.fd = openSync(this.path, 'a', 0o600);
    this.lines = out.length;
  }

  challengeFor(key: string): Challenge | undefined {
    const id = this.challengeOf.get(key);
    return id === undefined ? undefined : this.challenges.get(id);
  }
  putChallenge(v: Challenge): void { this.write({ t: 'challenge', v }); }
  noteAttempt(id: string, attempts: number): void { this.write({ t: 'attempt', id, attempts }); }
  endChallenge(id: string): void { this.write({ t: 'challenge_end', id }); }
  putSession(v: Session): void { this.write({ t: 'session', v }); }
  endSession(id: string): void { if (this.sessions.has(id)) this.write({ t: 'session_end', id }); }
  lock(key: string, until: number): void { this.write({ t: 'lock', key, until }); }
  lockedUntil(key: string): number | undefined {
    const u = this.locks.get(key);
    return u !== undefined && u > this.now() ? u : undefined;
  }
  putCertificate(v: CertificateRecord): void { this.write({ t: 'certificate', v }, true); }
  putClaim(v: ClaimRecord): void { this.write({ t: 'claim', v }, true); }

  close(): void {
    this.out.flush();
    if (this.out.fd >= 0) closeSync(this.out.fd);
    this.out.fd = -1;
  }
}
