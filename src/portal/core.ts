/**
 * What the portal does, apart from HTTP: ask for a code (the same work whether or not the
 * identifier is known), check a code (attempts, lockout), issue a person's certificate
 * (signed, recorded in the incident's evidence log, kept in the state), and join or leave the
 * collective claim (consent version recorded, evidence entry, fdatasync'd before the answer).
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import type { EvidenceLog } from '../evidence/index.js';
import type { PortalConfig } from './config.js';
import { PortalError } from './errors.js';
import { identifierKey, parseIdentifier } from './identifiers.js';
import { WindowLimit } from './limits.js';
import { codeHash, codeMatches, codeMessage, newCode, type CodeSender } from './otp.js';
import type { People, Person } from './people.js';
import type { CertificateRecord, ClaimRecord, PortalState, Session } from './state.js';
import { newCertificateId, signCertificate, type CertificatePayload, type PortalKey } from './certificate.js';
import type { AuditLog } from './audit.js';
import { randomHex } from './random.js';
import type { Consent } from './texts.js';

/** What the core is built from. */
export interface CoreDeps {
  readonly config: PortalConfig;
  readonly people: People;
  readonly state: PortalState;
  /** The portal's HMAC key (imported once: a raw key would be imported again by every HMAC). */
  readonly secret: KeyObject;
  readonly key: PortalKey;
  readonly log: EvidenceLog;
  readonly sender: CodeSender;
  readonly audit: AuditLog;
  readonly consent: Consent;
  readonly now: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The portal's operations. */
export class PortalCore {
  private readonly perId: WindowLimit;
  private readonly perAddress: WindowLimit;
  private readonly global: WindowLimit;

  constructor(readonly d: CoreDeps) {
    const l = d.config.limits;
    this.perId = new WindowLimit(l.per_identifier_max, l.per_identifier_window_s * 1000, d.now);
    this.perAddress = new WindowLimit(l.per_address_max, l.per_address_window_s * 1000, d.now);
    this.global = new WindowLimit(l.global_per_second, 1000, d.now);
  }

  /** Counts a lookup or code check against the address and global limits. */
  admit(address: string): void {
    const g = this.global.take('all');
    if (g !== undefined) throw new PortalError('ERR_RATE_LIMITED', 'too many requests', g);
    const a = this.perAddress.take(address);
    if (a !== undefined) throw new PortalError('ERR_RATE_LIMITED', 'too many requests', a);
  }

  /**
   * A person asks for a code for `text`. Known or not, the same steps run: a challenge is
   * stored and a new session returned; only a directory identifier gets a message queued.
   */
  lookup(text: string, oldSession: string | undefined, newSessionId: string): Session {
    const id = parseIdentifier(typeof text === 'string' ? text : '');
    if (id === undefined) throw new PortalError('ERR_BAD_REQUEST', 'enter an email address or a mobile phone number');
    const key = identifierKey(this.d.secret, id);
    const until = this.d.state.lockedUntil(key);
    if (until !== undefined) throw new PortalError('ERR_LOCKED', 'too many wrong codes; try later', Math.ceil((until - this.d.now()) / 1000));
    const wait = this.perId.take(key);
    if (wait !== undefined) throw new PortalError('ERR_RATE_LIMITED', 'too many codes asked for', wait);
    const now = this.d.now();
    const challengeId = randomHex(16);
    const code = newCode();
    this.d.state.putChallenge({ id: challengeId, key, codeHash: codeHash(this.d.secret, challengeId, code), expiresAt: now + this.d.config.otp.ttl_s * 1000, attempts: 0 });
    if (oldSession !== undefined) this.d.state.endSession(oldSession);
    const session: Session = { id: newSessionId, expiresAt: now + this.d.config.otp.ttl_s * 1000, challenge: challengeId };
    this.d.state.putSession(session);
    const person = this.d.people.byKey.get(key);
    if (person !== undefined) {
      const c = this.d.config;
      this.d.sender.send(() => codeMessage({
        person, code, challengeId, ttlS: c.otp.ttl_s, publicUrl: c.public_url, from: c.mail.from,
        ...(c.mail.from_name !== undefined && { fromName: c.mail.from_name }), now: new Date(now),
      }));
    }
    this.d.audit.write('lookup', { session: newSessionId, key, challenge: challengeId });
    return session;
  }

  /**
   * Checks `code` for the session's challenge: the signed-in session on success, `'wrong'`
   * (attempts left) or throws ERR_LOCKED once the attempts are used up.
   */
  verify(session: Session, code: unknown, newSessionId: string): Session | 'wrong' {
    const c = session.challenge === undefined ? undefined : this.d.state.challenges.get(session.challenge);
    const now = this.d.now();
    if (c === undefined || c.expiresAt <= now) return 'wrong';
    const until = this.d.state.lockedUntil(c.key);
    if (until !== undefined) throw new PortalError('ERR_LOCKED', 'too many wrong codes; try later', Math.ceil((until - now) / 1000));
    const given = typeof code === 'string' ? code.trim() : '';
    const person = this.d.people.byKey.get(c.key);
    // An identifier nobody holds never matches, even if its unsent code were guessed.
    if (/^[0-9]{6}$/.test(given) && codeMatches(this.d.secret, c.id, given, c.codeHash) && person !== undefined) {
      this.d.state.endChallenge(c.id);
      this.d.state.endSession(session.id);
      const s: Session = { id: newSessionId, expiresAt: now + this.d.config.session_ttl_s * 1000, verified: c.key, verifiedAt: now };
      this.d.state.putSession(s);
      this.d.audit.write('verified', { session: newSessionId, key: c.key, account_id: person.accountId });
      return s;
    }
    const attempts = c.attempts + 1;
    this.d.state.noteAttempt(c.id, attempts);
    this.d.audit.write('code_wrong', { session: session.id, key: c.key, challenge: c.id });
    if (attempts >= this.d.config.otp.max_attempts) {
      this.d.state.lock(c.key, now + this.d.config.otp.lockout_s * 1000);
      this.d.state.endChallenge(c.id);
      this.d.audit.write('locked', { session: session.id, key: c.key });
      throw new PortalError('ERR_LOCKED', 'too many wrong codes; try later', this.d.config.otp.lockout_s);
    }
    return 'wrong';
  }

  /** The person a signed-in session is for. */
  personOf(session: Session): Person | undefined {
    return session.verified === undefined ? undefined : this.d.people.byKey.get(session.verified);
  }

  /** The person's certificate, issued (signed, recorded in the evidence log) on first call. */
  async certificate(person: Person, session: Session): Promise<CertificateRecord> {
    const have = this.d.state.certificates.get(person.accountId);
    if (have !== undefined && have.run_id === this.d.people.run.run_id) return have;
    const e = this.d.people.exposure.get(person.accountId);
    if (e === undefined) throw new PortalError('ERR_NOT_AFFECTED', 'no exposure of this account was found, so there is nothing to certify');
    const now = this.d.now();
    const payload: CertificatePayload = {
      v: 1, iss: this.d.config.public_url, certificate_id: newCertificateId(), incident_id: this.d.people.incident.incident_id,
      incident_name: this.d.people.incident.name, run_id: this.d.people.run.run_id, account_id: person.accountId,
      verified_contact: { channel: person.channel, value: person.contact, verified_at: iso(session.verifiedAt ?? now) },
      fields: [...e.fields], first_access: iso(e.first_access), last_access: iso(e.last_access), accesses: e.accesses, issued_at: iso(now),
    };
    const jws = await signCertificate(this.d.key, payload);
    const entry = await this.d.log.append({
      kind: 'certificate',
      payload: {
        certificate_id: payload.certificate_id, incident_id: payload.incident_id, run_id: payload.run_id, account_id: person.accountId,
        fields: [...e.fields], kid: this.d.key.publicJwk.kid, jws_sha256: createHash('sha256').update(jws).digest('hex'), issued_at: payload.issued_at,
      },
    });
    const rec: CertificateRecord = { certificate_id: payload.certificate_id, account_id: person.accountId, run_id: payload.run_id, jws, issued_at: payload.issued_at, evidence_entry: entry.index };
    this.d.state.putCertificate(rec);
    this.d.audit.write('certificate', { session: session.id, account_id: person.accountId, certificate_id: rec.certificate_id });
    return rec;
  }

  /** The person's live claim, if they joined and did not withdraw. */
  claimOf(person: Person): ClaimRecord | undefined {
    const c = this.d.state.claims.get(person.accountId);
    return c !== undefined && c.withdrawn_at === undefined ? c : undefined;
  }

  /** Joins the collective claim with explicit consent to the current text. */
  async join(person: Person, session: Session, form: { name: unknown; contactOk: unknown; consent: unknown; version: unknown }): Promise<ClaimRecord> {
    if (form.version !== this.d.consent.version) throw new PortalError('ERR_BAD_REQUEST', 'the consent text changed; read the current text and consent again');
    if (form.consent !== 'yes' || form.contactOk !== 'yes') throw new PortalError('ERR_BAD_REQUEST', 'tick both boxes to consent');
    const name = typeof form.name === 'string' ? form.name.trim() : '';
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    if (name === '' || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw new PortalError('ERR_BAD_REQUEST', 'enter your name (at most 100 characters)');
    const cert = await this.certificate(person, session);
    const claimId = `claim-${randomBytes(12).toString('hex')}`;
    const joinedAt = iso(this.d.now());
    const entry = await this.d.log.append({
      kind: 'claim',
      payload: { claim_id: claimId, action: 'joined', account_id: person.accountId, certificate_id: cert.certificate_id, consent_version: this.d.consent.version, at: joinedAt },
    });
    const rec: ClaimRecord = {
      claim_id: claimId, account_id: person.accountId, name, channel: person.channel, contact: person.contact, consent_version: this.d.consent.version,
      certificate_id: cert.certificate_id, joined_at: joinedAt, evidence_entry: entry.index,
    };
    this.d.state.putClaim(rec);
    this.d.audit.write('claim_joined', { session: session.id, account_id: person.accountId, claim_id: claimId, certificate_id: cert.certificate_id });
    return rec;
  }

  /** Withdraws the person's consent (the record stays, marked withdrawn). */
  async withdraw(person: Person, session: Session): Promise<void> {
    const c = this.claimOf(person);
    if (c === undefined) return;
    const at = iso(this.d.now());
    await this.d.log.append({ kind: 'claim', payload: { claim_id: c.claim_id, action: 'withdrawn', account_id: person.accountId, at } });
    this.d.state.putClaim({ ...c, withdrawn_at: at });
    this.d.audit.write('claim_withdrawn', { session: session.id, account_id: person.accountId, claim_id: c.claim_id });
  }
}
