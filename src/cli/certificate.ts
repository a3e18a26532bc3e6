/**
 * `breachwatch certificate verify FILE [--jwks URL|FILE]`: checks an exposure certificate (the
 * compact JWS the portal gave, or a file holding one) offline against a JWKS file, or against
 * the JWKS fetched from a URL (default: the issuer's `/.well-known/jwks.json` — compare the
 * printed issuer with the official address you know). Exit 0 valid, 1 not valid, 2 unreadable.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import { BreachwatchError } from '../model/index.js';
import { parseJwks, verifyCertificate } from '../portal/index.js';

async function jwksText(where: string): Promise<string> {
  if (/^https?:\/\//i.test(where)) {
    let r: Response;
    try {
      r = await fetch(where, { signal: AbortSignal.timeout(15_000), redirect: 'error' });
    } catch {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--jwks ${where}: could not be fetched`);
    }
    if (!r.ok) throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--jwks ${where}: HTTP ${r.status}`);
    return r.text();
  }
  return readFile(where, 'utf8').catch(() => { throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--jwks ${where}: cannot be read`); });
}

/** Adds `certificate` to the program. */
export function registerCertificate(program: Command): void {
  const cert = program.command('certificate').description('exposure certificates issued by the victim portal');
  cert.command('verify')
    .description('check a certificate\'s signature and contents')
    .argument('<file>', 'the certificate (.jws: the compact JWS)')
    .option('--jwks <url|file>', 'the portal\'s public keys (default: <issuer>/.well-known/jwks.json)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, f: { jwks?: string; json?: boolean }) => {
      const jws = (await readFile(file, 'utf8').catch(() => { throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${file}: cannot be read`); })).trim();
      let where = f.jwks;
      if (where === undefined) {
        let iss: unknown;
        try { iss = decodeJwt(jws).iss; } catch { iss = undefined; }
        if (typeof iss !== 'string') throw new BreachwatchError('ERR_INPUT_INVALID', `${file}: not a certificate (no issuer); give --jwks`);
        where = `${iss.replace(/\/$/, '')}/.well-known/jwks.json`;
      }
      const r = await verifyCertificate(jws, parseJwks(await jwksText(where), where));
      if (f.json === true) console.log(JSON.stringify(r.ok ? { valid: true, kid: r.kid, jwks: where, certificate: r.payload } : { valid: false, reason: r.reason }, null, 2));
      else if (r.ok) {
        const p = r.payload;
        console.log(`valid: certificate ${p.certificate_id}, signed by key ${r.kid} (from ${where})\n` +
          `issuer: ${p.iss} — compare with the official address\nincident: ${p.incident_id}, run ${p.run_id}\naccount: ${p.account_id}\n` +
          `fields: ${p.fields.join(', ')}\naccesses: ${p.accesses} between ${p.first_access} and ${p.last_access}\nissued: ${p.issued_at}`);
      } else console.log(`NOT valid: ${r.reason}`);
      if (!r.ok) process.exitCode = 1;
    });
}
