/**
 * The portal's audit trail (`audit.ndjson` in the state folder, 0600): one line per step —
 * lookup, code checked, locked out, signed in, page viewed, certificate issued, claim joined or
 * withdrawn, signed out — with the time, the step, and ids only: the session's id (a hash of
 * its cookie), the identifier's keyed hash (first 16 hex), the account, certificate and claim
 * ids. Never an email address, a phone number, a name, a code or a client address. Lines are
 * written together at the end of the event-loop turn (one write for all the requests of that
 * turn); a crash loses at most that turn's lines.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { TurnWriter } from './turn-writer.js';

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
  private readonly out: TurnWriter;

  constructor(dir: string, private readonly now: () => number) {
    this.fd = openSync(join(dir, 'audit.ndjson'), 'a', 0o600);
    this.out = new TurnWriter(this.fd);
  }

  write(step: AuditStep, ids: AuditIds): void {
    const line = { time: new Date(this.now()).toISOString(), step, ...ids, ...(ids.key !== undefined && { key: ids.key.slice(0, 16) }) };
    this.out.append(`${JSON.stringify(line)}\n`);
  }

  close(): void {
    this.out.flush();
    closeSync(this.fd);
  }
}
