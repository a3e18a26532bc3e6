/**
 * `breachwatch contain propose|approve|execute|status`: containment actions of an incident
 * (rotate-key, block-sources, revoke-sessions) under the two-person rule. Every step names
 * its admin with `--as`; the proposer cannot approve. Prints the action as JSON.
 */
import type { Command } from 'commander';
import { incidentsHome, openStore, storeLocation } from '../compose/index.js';
import { actionStatus, approve, execute, listActions, propose, type ActionKind } from '../contain/index.js';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import type { RespondContext } from '../respond/index.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface Flags extends StoreFlags { home?: string; incident: string; as: string; dryRun?: boolean }

async function withContext<T>(f: Flags, fn: (ctx: RespondContext) => Promise<T>): Promise<T> {
  const url = storeUrlFrom(f, false);
  const store = await openStore(url, 'read', { mustExist: true });
  try {
    return await fn({ store, home: incidentsHome(storeLocation(url), f.home) });
  } finally {
    await store.close();
  }
}

function common(cmd: Command, who = true): Command {
  const c = addStoreFlags(cmd, 'the incident lives in (one of --store, --db is required)', false)
    .option('--home <dir>', 'incidents folder (default: beside the store, <db>.incidents/)')
    .requiredOption('--incident <id>', 'the incident the action belongs to');
  return who ? c.requiredOption('--as <admin>', 'the admin taking this step (the proposer cannot approve)') : c;
}

const json = (v: unknown): void => { console.log(JSON.stringify(v, null, 2)); };

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new BreachwatchError('ERR_USAGE', `${flag} must be a positive number`);
  return n;
}

interface ProposeFlags extends Flags {
  registry?: string; jwksOut?: string; keyDir?: string; keyHook?: string; hookStorage?: string; custodian?: string[]; staff?: string; newKid?: string;
  alert?: string[]; run?: string; source?: string[]; subnets?: boolean; expiresHours?: string;
  account?: string[]; issuer?: string; audience?: string; subjectIssuer?: string; pushUrl?: string; pushAuthEnv?: string; pushAttempts?: string;
}

/** The kind's input from the flags (validated by the stage). */
function inputOf(kind: ActionKind, arg: string | undefined, f: ProposeFlags): unknown {
  switch (kind) {
    case 'rotate-key':
      if (arg === undefined) throw new BreachwatchError('ERR_USAGE', 'rotate-key needs the KID to rotate');
      return { kid: arg, registry: f.registry, jwks_out: f.jwksOut, custodians: f.custodian ?? [], ...(f.keyDir !== undefined && { key_dir: f.keyDir }),
        ...(f.keyHook !== undefined && { key_hook: f.keyHook }), ...(f.hookStorage !== undefined && { hook_storage: f.hookStorage }),
        ...(f.staff !== undefined && { staff: f.staff }), ...(f.newKid !== undefined && { new_kid: f.newKid }) };
    case 'block-sources':
      return { ...(f.alert !== undefined && { alert_ids: f.alert }), ...(f.run !== undefined && { run_id: f.run }), ...(f.source !== undefined && { sources: f.source }),
        ...(f.subnets === true && { subnets: true }), ...(f.expiresHours !== undefined && { expires_hours: num('--expires-hours', f.expiresHours) }) };
    case 'revoke-sessions':
      return { issuer: f.issuer, audience: f.audience, subject_issuer: f.subjectIssuer, ...(f.alert !== undefined && { alert_ids: f.alert }),
        ...(f.run !== undefined && { run_id: f.run }), ...(f.account !== undefined && { accounts: f.account }), ...(f.pushUrl !== undefined && { push_url: f.pushUrl }),
        ...(f.pushAuthEnv !== undefined && { push_auth_env: f.pushAuthEnv }), ...(f.pushAttempts !== undefined && { push_attempts: num('--push-attempts', f.pushAttempts) }) };
  }
}

const KINDS: Record<ActionKind, true> = { 'rotate-key': true, 'block-sources': true, 'revoke-sessions': true };

/** Adds `contain` to the program. */
export function registerContain(program: Command): void {
  const c = program.command('contain').description('containment: rotate a signing key, block sources, revoke sessions — two admins, recorded');

  common(c.command('propose').description('propose an action with its exact effect (a second admin approves it)'))
    .argument('<action>', 'rotate-key | block-sources | revoke-sessions')
    .argument('[kid]', 'rotate-key: the signing key to rotate')
    .option('--dry-run', 'show the proposal; save and record nothing')
    .option('--registry <file>', 'rotate-key: the key registry (keys.json), rewritten at execution')
    .option('--jwks-out <file>', 'rotate-key: where the new JWKS is written')
    .option('--key-dir <dir>', 'rotate-key: folder for the private key file (0700; the file 0600; default <home>/.contain/keys)')
    .option('--key-hook <command>', 'rotate-key: a command that stores the private key in a KMS/HSM (PKCS#8 PEM on stdin; BW_KID, BW_ALG set)')
    .option('--hook-storage <kms|hsm>', 'rotate-key: storage the registry records for a hook-stored key', 'kms')
    .option('--custodian <ids...>', 'rotate-key: staff ids who may read the new private key')
    .option('--staff <file>', 'rotate-key: staff roster; custodians must be current staff')
    .option('--new-kid <kid>', 'rotate-key: the new key id (default: derived from the old one and the date)')
    .option('--alert <ids...>', 'block-sources / revoke-sessions: the alerts whose sources / tokens to act on')
    .option('--run <id>', 'block-sources / revoke-sessions: a saved scope run whose sources / affected accounts to act on')
    .option('--source <entries...>', 'block-sources: addresses, CIDR blocks, ASNs (AS123) to deny as well')
    .option('--subnets', 'block-sources: deny each address\'s /24 too')
    .option('--expires-hours <n>', 'block-sources: hours until the entries expire', String(DEFAULTS.contain.blockHours))
    .option('--account <ids...>', 'revoke-sessions: accounts whose sessions to revoke as well')
    .option('--issuer <iss>', 'revoke-sessions: iss of the Security Event Tokens')
    .option('--audience <aud>', 'revoke-sessions: aud of the Security Event Tokens (the receiver)')
    .option('--subject-issuer <iss>', 'revoke-sessions: the platform issuer the accounts belong to')
    .option('--push-url <url>', 'revoke-sessions: the receiver\'s push endpoint (RFC 8935); without it SETs are written for polling (RFC 8936)')
    .option('--push-auth-env <VAR>', 'revoke-sessions: environment variable holding the endpoint\'s Authorization header')
    .option('--push-attempts <n>', 'revoke-sessions: attempts per SET', String(DEFAULTS.contain.pushAttempts))
    .action(async (action: string, kid: string | undefined, f: ProposeFlags) => {
      if (!Object.hasOwn(KINDS, action)) throw new BreachwatchError('ERR_USAGE', `unknown action ${action.slice(0, 40)}: one of ${Object.keys(KINDS).join(', ')}`);
      const kind = action as ActionKind;
      await withContext(f, async (ctx) => {
        json(await propose(ctx, { incidentId: f.incident, kind, by: f.as, input: inputOf(kind, kid, f), ...(f.dryRun === true && { dryRun: true }) }));
      });
    });

  common(c.command('approve').description('approve a proposed action (not its proposer)'))
    .argument('<action-id>', 'the action')
    .option('--sha256 <hex>', 'the proposal hash you reviewed (refused when the proposal is not that text)')
    .action(async (id: string, f: Flags & { sha256?: string }) => {
      await withContext(f, async (ctx) => { json(await approve(ctx, { incidentId: f.incident, actionId: id, by: f.as, ...(f.sha256 !== undefined && { proposalSha256: f.sha256 }) })); });
    });

  common(c.command('execute').description('execute an approved action once (a failed one resumes)'))
    .argument('<action-id>', 'the action')
    .option('--dry-run', 'show what would be done; change nothing')
    .action(async (id: string, f: Flags) => {
      await withContext(f, async (ctx) => {
        const r = await execute(ctx, { incidentId: f.incident, actionId: id, by: f.as, ...(f.dryRun === true && { dryRun: true }) });
        json(r);
        if (r.state === 'failed') process.exitCode = 1;
      });
    });

  common(c.command('status').description('an action, or every action of the incident'), false)
    .argument('[action-id]', 'the action (default: all)')
    .action(async (id: string | undefined, f: Flags) => {
      await withContext(f, async (ctx) => { json(id === undefined ? await listActions(ctx, f.incident) : await actionStatus(ctx, f.incident, id)); });
    });
}
