/**
 * The portal's audit trail (`audit.ndjson` in the state folder, 0600): one line per step —
 * lookup, code checked, locked out, signed in, page viewed, certificate issued, claim joined or
 * withdrawn, signed out — with the time, the step, and ids only: the session's id (a hash of
 * its cookie), the identifier's keyed hash (first 16 hex), the account, certificate and claim
 * ids. Never an email address, a phone number, a name, a code or a client address. Lines are
 * written together at the end of the event-loop turn (one write for all the requests of that
 * turn); a crash loses at most that turn's lines.
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
  private pending = '';
  private flushing: NodeJS.Immediate | undefined;

  constructor(dir: string, private readonly now: () => number) {
    this.fd = openSync(join(dir, 'audit.ndjson'), 'a', 0o600);
  }

  write(step: AuditStep, ids: AuditIds): void {
    const line = { time: new Date(this.now()).toISOString(), step, ...ids, ...(ids.key !== undefined && { key: ids.key.slice(0, 16) }) };
    this.pending += `${JSON.stringify(line)}\n`;
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Writes the lines not yet written. */
  flush(): void {
    if (this.flushing !== undefined) clearImmediate(this.flushing);
    this.flushing = undefined;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
