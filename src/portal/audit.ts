/**
 * The portal's audit trail (`audit.ndjson` in the state folder, 0600): one line per step —
 * lookup, code checked, locked out, signed in, page viewed, certificate issued, claim joined or
 * withdrawn, signed out — with the time, the step, and ids only: the session's id (a hash of
 * its cookie), the identifier's keyed hash (first 16 hex), the account, certificate and claim
 * ids. Never an email address, a phone number, a name, a code or a client address.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Audited steps. */
export type AuditStep =
  | 'lookup' | 'code_wrong' | 'locked' | 'verified' | 'page' | 'certificate' | 'claim_joined' | 'claim_withdrawn' | 'signed_out' | 'rate_limited';

/** Ids an audit line may carry. */
export interface AuditIds {
  readonly session?: string;
  readonly key?: string;
  readonly account_id?: string;
  readonly certificate_id?: string;
  readonly claim_id?: string;
  readonly challenge?: string;
}

/** The audit file. */
export class AuditLog {
  private readonly fd: number;

  constructor(dir: string, private readonly now: () => number) {
    this.fd = openSync(join(dir, 'audit.ndjson'), 'a', 0o600);
  }

  write(step: AuditStep, ids: AuditIds): void {
    const line = { time: new Date(this.now()).toISOString(), step, ...ids, ...(ids.key !== undefined && { key: ids.key.slice(0, 16) }) };
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  close(): void { closeSync(this.fd); }
}
