/**
 * `rotate-key KID`: a new signing key pair (jose, the registry key's algorithm), its private
 * half written where the settings say (a 0600 file in a 0700 folder, or piped to a KMS/HSM
 * hook command on stdin), a new JWKS with the new key first and the old one gone, the key
 * registry rewritten (old key `revoked` at the execution time, new key active with its named
 * custodians), and the instructions verifiers need to drop cached keys. Each step checks
 * whether it is done already, so an execution that stopped part way resumes.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { loadKeys } from '../ingest/index.js';
import { BreachwatchError, DEFAULTS, toRfc3339, type KeyRecord, type KeyStorage } from '../model/index.js';
import type { JsonObject } from '../evidence/index.js';
import { sha256Hex } from './digest.js';
import { privateDir, readJsonIfAny, writePrivate } from './files.js';

/** Algorithms jose generates key pairs for. */
const ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** What a rotation needs to know (fixed in the proposal). */
export interface RotateParams {
  readonly kid: string;
  /** The key registry (contract input `keys.json`), rewritten at execution. */
  readonly registry: string;
  /** Where the published JWKS is written. */
  readonly jwks_out: string;
  /** Folder of private key files (0700; each key `<kid>.pk8.pem`, 0600). */
  readonly key_dir: string;
  /** A command that stores the private key (PKCS#8 PEM on stdin; `BW_KID`, `BW_ALG` set); replaces the file. */
  readonly key_hook: string | null;
  /** What the registry records as the new key's storage. */
  readonly storage: KeyStorage;
  /** Staff ids who may read the new private key. */
  readonly custodians: readonly string[];
  readonly new_kid: string;
}

/** Reads the registry file: its text, hash, raw document and validated keys. */
async function readRegistry(path: string): Promise<{ sha256: string; doc: { keys: JsonObject[] }; keys: KeyRecord[] }> {
  const keys = await loadKeys(path);
  const text = await readFile(path, 'utf8');
  return { sha256: sha256Hex(text), doc: JSON.parse(text) as { keys: JsonObject[] }, keys };
}

/** The kids of a JWKS file, or [] when there is none yet. */
async function jwksKids(path: string): Promise<string[]> {
  const j = await readJsonIfAny<{ keys?: { kid?: string }[] }>(path).catch(() => undefined);
  return (j?.keys ?? []).map((k) => k.kid ?? '?');
}

/** Every other key the JWKS keeps: public JWKs of keys neither retired nor revoked. */
function keptJwks(keys: readonly KeyRecord[], without: string): JWK[] {
  return keys.filter((k) => k.kid !== without && k.revoked === null && k.retired === null && k.jwk !== undefined).map((k) => k.jwk as JWK);
}

/** Checks a rotation can be proposed and describes its exact effect. */
export async function planRotation(p: RotateParams, staffIds: ReadonlySet<string> | undefined): Promise<{ effect: JsonObject; warnings: string[]; registrySha256: string }> {
  const reg = await readRegistry(p.registry);
  const old = reg.keys.find((k) => k.kid === p.kid);
  if (old === undefined) throw new BreachwatchError('ERR_USAGE', `the key registry ${p.registry} has no key ${p.kid} (it has ${reg.keys.map((k) => k.kid).join(', ')})`);
  if (old.revoked !== null) throw new BreachwatchError('ERR_USAGE', `key ${p.kid} was revoked at ${toRfc3339(old.revoked)} already`);
  if (!ALGS.has(old.alg)) throw new BreachwatchError('ERR_USAGE', `key ${p.kid} has algorithm '${old.alg}', which cannot be generated; give the key an alg in the registry`);
  // The new kid names the private key's file and goes into the JWKS: letters, digits, . _ - only.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(p.new_kid)) {
    throw new BreachwatchError('ERR_USAGE', 'a new key id is 1–100 letters, digits, dots, underscores or hyphens, starting with a letter or digit');
  }
  if (reg.keys.some((k) => k.kid === p.new_kid)) throw new BreachwatchError('ERR_USAGE', `the registry has a key ${p.new_kid} already`);
  if (p.custodians.length === 0) throw new BreachwatchError('ERR_USAGE', 'name the new key\'s custodians (--custodian)');
  const warnings: string[] = [];
  if (staffIds !== undefined) {
    const unknown = p.custodians.filter((c) => !staffIds.has(c));
    if (unknown.length > 0) throw new BreachwatchError('ERR_USAGE', `custodians not current staff: ${unknown.join(', ')}`);
  }
  if (p.storage === 'file') warnings.push(`the new private key goes to a file in ${p.key_dir}: key-custody will flag file storage (medium); configure a KMS/HSM hook to avoid it`);
  warnings.push(`every token signed with ${p.kid} stops verifying once verifiers reload the JWKS: every session it signed ends (users sign in again)`);
  const effect: JsonObject = {
    registry: {
      path: p.registry, sha256_before: reg.sha256,
      revoke: { kid: p.kid, alg: old.alg, revoked: { from: null, to: 'the execution time' } },
      add: { kid: p.new_kid, alg: old.alg, created: 'the execution time', activated: 'the execution time', retired: null, revoked: null,
        storage: p.storage, max_token_ttl_s: old.max_token_ttl_s, custodians: [...p.custodians], jwk: 'generated at execution (public half)' },
    },
    jwks: { path: p.jwks_out, kids_before: await jwksKids(p.jwks_out), kids_after: [p.new_kid, ...keptJwks(reg.keys, p.kid).map((k) => k.kid ?? '?')] },
    private_key: p.key_hook === null ? { file: join(p.key_dir, `${p.new_kid}.pk8.pem`), mode: '0600' } : { hook: p.key_hook },
  };
  return { effect, warnings, registrySha256: reg.sha256 };
}

/** Runs the key hook with the private key on stdin; rejects unless it exits 0. */
function runHook(cmd: string, pem: string, kid: string, alg: string): Promise<void> {
  return new Promise((res, rej) => {
    const c = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, BW_KID: kid, BW_ALG: alg } });
    let err = '';
    c.stderr.on('data', (d: Buffer) => { err = (err + d.toString('utf8')).slice(-400); });
    c.on('error', (e) => rej(new BreachwatchError('ERR_CONFIG', `key hook could not start: ${e.message}`)));
    c.on('close', (code) => (code === 0 ? res() : rej(new BreachwatchError('ERR_CONFIG', `key hook exited ${String(code)}: ${err.trim()}`))));
    c.stdin.on('error', () => undefined);
    c.stdin.end(pem);
  });
}

/** The instructions for verifiers, as Markdown. */
function instructions(p: RotateParams, at: number): string {
  const min = Math.round(DEFAULTS.contain.jwksCacheS / 60);
  return [
    `# Key ${p.kid} revoked at ${toRfc3339(at)}; new key ${p.new_kid}`, '',
    `1. Publish ${p.jwks_out} where verifiers fetch the JWKS (it lists ${p.new_kid} first; ${p.kid} is gone).`,
    `2. Make every verifier drop its cached keys now: a verifier that caches the JWKS keeps accepting ${p.kid} until its cache expires ` +
      `(jose's createRemoteJWKSet keeps a set ${min} minutes). Restart it, or rebuild its key set, or deny kid ${p.kid} explicitly until then.`,
    `3. Sign new tokens with ${p.new_kid} only; tokens signed with ${p.kid} must be refused, whatever their exp: users sign in again.`,
    `4. Any use of ${p.kid} from now on is critical in breachwatch (key-state: revoked_key; unissued-token: forged or used after the key's revocation).`, '',
  ].join('\n');
}

/** Executes a rotation at `at` (epoch ms); `out` is the action's output folder. */
export async function executeRotation(p: RotateParams, registrySha256: string, at: number, out: string): Promise<JsonObject> {
  const reg = await readRegistry(p.registry);
  const old = reg.keys.find((k) => k.kid === p.kid);
  if (old === undefined) throw new BreachwatchError('ERR_REFUSED', `the key registry no longer has ${p.kid}: propose again`);
  const pubPath = join(out, 'new-key.public.jwk.json');
  let pub = await readJsonIfAny<JWK>(pubPath);
  if (pub === undefined) {
    const pair = await generateKeyPair(old.alg, { extractable: true });
    const pem = await exportPKCS8(pair.privateKey);
    if (p.key_hook === null) {
      await privateDir(p.key_dir);
      await writePrivate(join(p.key_dir, `${p.new_kid}.pk8.pem`), pem);
    } else {
      await runHook(p.key_hook, pem, p.new_kid, old.alg);
    }
    pub = { ...(await exportJWK(pair.publicKey)), kid: p.new_kid, alg: old.alg, use: 'sig' };
    await writePrivate(pubPath, `${JSON.stringify(pub, null, 2)}\n`);
  }
  let revokedAt = at;
  if (!reg.keys.some((k) => k.kid === p.new_kid)) {
    if (reg.sha256 !== registrySha256) {
      throw new BreachwatchError('ERR_REFUSED', `the key registry ${p.registry} changed since the rotation was proposed: its effect is no longer the one approved; propose again`);
    }
    const iso = toRfc3339(at);
    const keys = reg.doc.keys.map((k) => (k['kid'] === p.kid ? { ...k, revoked: iso } : k));
    keys.push({
      kid: p.new_kid, alg: old.alg, created: iso, activated: iso, retired: null, revoked: null, storage: p.storage,
      max_token_ttl_s: old.max_token_ttl_s, custodians: [...p.custodians], jwk: pub,
    });
    await writePrivate(p.registry, `${JSON.stringify({ ...reg.doc, keys }, null, 2)}\n`, 0o644);
  } else if (old.revoked !== null) {
    revokedAt = old.revoked;
  }
  const after = await loadKeys(p.registry);
  const jwks = { keys: [pub, ...keptJwks(after, p.kid).filter((k) => k.kid !== p.new_kid)] };
  await writePrivate(p.jwks_out, `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
  const howto = join(out, 'verifiers.md');
  await writePrivate(howto, instructions(p, revokedAt));
  return {
    revoked_kid: p.kid, revoked_at: toRfc3339(revokedAt), new_kid: p.new_kid, alg: old.alg,
    registry: p.registry, registry_sha256_after: sha256Hex(await readFile(p.registry)), jwks: p.jwks_out,
    jwks_kids: jwks.keys.map((k) => k.kid ?? '?'),
    private_key: p.key_hook === null ? join(p.key_dir, `${p.new_kid}.pk8.pem`) : `hook: ${p.key_hook}`,
    instructions: howto,
  };
}
