/**
 * "What of this account was exposed": from a saved run, the account's fields, first and last
 * access, request count and sources, the request rows behind it (file, line, request id, with
 * each line's hash when it was read back) and where its `account_evidence` entries are. The
 * portal (issue 12) and notices read this; it never recomputes from the live event tables.
 */
import { BreachwatchError } from '../../model/index.js';
import type { AccountEvidenceRef, AffectedAccount, RunRequest, ScopeRunRow } from '../../store/index.js';
import type { RespondContext } from '../context.js';

/** One account's exposure in one saved run. */
export interface AccountExposure {
  readonly run: ScopeRunRow;
  /** Undefined when the account was not affected in this run. */
  readonly exposure?: AffectedAccount;
  readonly requests: readonly RunRequest[];
  readonly evidence?: AccountEvidenceRef;
}

/** The run `runId` or ERR_NOT_FOUND. */
export async function requireRun(ctx: RespondContext, runId: string): Promise<ScopeRunRow> {
  const run = await ctx.store.getScopeRun(runId);
  if (run === undefined) throw new BreachwatchError('ERR_NOT_FOUND', `no scope run ${runId} in this store`);
  return run;
}

/** What of `accountId` run `runId` found exposed, with the requests behind it. */
export async function accountExposure(ctx: RespondContext, runId: string, accountId: string): Promise<AccountExposure> {
  const run = await requireRun(ctx, runId);
  const exposure = await ctx.store.accountExposure(runId, accountId);
  if (exposure === undefined) return { run, requests: [] };
  const [requests, evidence] = await Promise.all([ctx.store.accountRequests(runId, accountId), ctx.store.accountEvidence(runId, accountId)]);
  return { run, exposure, requests, ...(evidence !== undefined && { evidence }) };
}
