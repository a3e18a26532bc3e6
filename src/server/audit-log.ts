/**
 * The audit log: one NDJSON record per access to customer data through the API — who
 * (API-key name and role), when (wall clock: this is about people, not events), what
 * (`list_alerts`, `view_alert`, `view_request`, `run_scope`, `view_scope`,
 * `download_affected_accounts`, `auth_failed`, …) and which object. A read is recorded once it
 * has succeeded (its answer is ready) and before the answer leaves. Appended and fsync'd per
 * record: an audit trail must not lose entries.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Principal } from './auth.js';

/** One audit record. */
export interface AuditRecord {
  readonly time: string;
  readonly who: string;
  readonly role: string;
  readonly action: string;
  readonly object: string;
  readonly ip?: string;
  readonly detail?: Record<string, unknown>;
}

/** Appends audit records to a file. */
export class AuditLog {
  private fh: Promise<FileHandle> | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Records that `who` did `action` on `object`; resolves once on disk. */
  write(who: Pick<Principal, 'name'> & { readonly role: string }, action: string, object: string, extra: { ip?: string; detail?: Record<string, unknown> } = {}): Promise<void> {
    const rec: AuditRecord = { time: new Date().toISOString(), who: who.name, role: who.role, action, object, ...extra };
    // Owner-only: the trail names people and the objects they read.
    this.fh ??= open(this.path, 'a', 0o600);
    const fh = this.fh;
    this.chain = this.chain.then(async () => {
      const h = await fh;
      await h.write(`${JSON.stringify(rec)}\n`);
      await h.datasync();
    });
    return this.chain;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    if (this.fh !== undefined) await (await this.fh).close();
    this.fh = undefined;
  }
}
