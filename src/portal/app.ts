/**
 * The portal's HTTP face (fastify): the pages, the form posts, the certificate downloads and
 * the JWKS. Security headers by `helmet`, worked out once (`src/http/`): a CSP that allows no
 * script at all, no framing, no referrer, HSTS. `Cache-Control: no-store` on everything but the stylesheet and the JWKS, form bodies
 * of at most 8 KiB, CSRF on every post, and a request log that holds method, route, status and
 * time only (no address, no query, no cookie). Every refusal answers through one handler.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { helmetHeaders, registerFixedHeaders } from '../http/index.js';
import { printPdf } from '../respond/index.js';
import type { PortalCore } from './core.js';
import { PORTAL_STATUS, PortalError, type PortalCode } from './errors.js';
import { codePage, errorPage, lookupPage, mePage, PORTAL_CSS, type PageBase } from './pages.js';
import { clearToken, csrfOf, csrfOk, newToken, sessionId, setToken, tokenOf, type CookieSettings } from './session.js';
import type { Lang, Texts, TextKey } from './texts.js';
import type { Session } from './state.js';
import type { Person } from './people.js';
import { certificateHtml, type BothLabels } from './certificate-html.js';
import type { FieldLabels } from '../respond/index.js';

/** What the app serves from. */
export interface AppDeps {
  readonly core: PortalCore;
  readonly texts: Record<Lang, Texts>;
  readonly labels: Record<Lang, FieldLabels>;
  readonly jwks: { keys: object[] };
  readonly log?: (line: Record<string, unknown>) => void;
}

type Form = Record<string, unknown>;

/** The message key shown for each refusal. */
const MESSAGE: Record<PortalCode, TextKey> = {
  ERR_BAD_REQUEST: 'bad_request', ERR_CSRF: 'form_expired', ERR_SESSION: 'session_over', ERR_RATE_LIMITED: 'rate_limited',
  ERR_LOCKED: 'locked', ERR_NOT_FOUND: 'not_found', ERR_NOT_AFFECTED: 'not_affected', ERR_TOO_LARGE: 'bad_request', ERR_INTERNAL: 'internal',
};

const langOf = (req: FastifyRequest, fallback: Lang = 'ko'): Lang => {
  const q = (req.query as { lang?: unknown } | undefined)?.lang ?? (req.body as Form | undefined)?.lang;
  if (q === 'ko' || q === 'en') return q;
  const al = req.headers['accept-language'];
  return typeof al === 'string' && /^en\b/i.test(al) ? 'en' : fallback;
};

/** Builds the app (not listening). */
export async function buildPortalApp(d: AppDeps): Promise<FastifyInstance> {
  const core = d.core;
  const cfg = core.d.config;
  const secret = core.d.secret;
  const cookieSettings = (maxAgeS: number): CookieSettings => ({ secure: cfg.secure_cookies, maxAgeS });
  const app = Fastify({ logger: false, bodyLimit: 8192, trustProxy: cfg.trust_proxy, return503OnClosing: true });
  await app.register(cookie);
  await app.register(formbody);
  // Fixed for every reply: helmet's headers, no caching (the two public files below set their
  // own), no powerful features.
  registerFixedHeaders(app, {
    ...helmetHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
          baseUri: ["'none'"], objectSrc: ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      crossOriginEmbedderPolicy: true,
    }),
    'cache-control': 'no-store',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  });
  const log = d.log;
  if (log !== undefined) {
    app.addHook('onResponse', async (req, reply) => {
      log({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
    });
  }

  const base = (lang: Lang): PageBase => ({ lang, t: d.texts[lang], publicUrl: cfg.public_url });
  const html = (reply: FastifyReply, status: number, body: string): FastifyReply =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.setErrorHandler((err, req, reply) => {
    let code: PortalCode = 'ERR_INTERNAL';
    let retry: number | undefined;
    if (err instanceof PortalError) { code = err.code; retry = err.retryAfterS; } else {
      const fe = err as { statusCode?: number; code?: string };
      if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) code = 'ERR_TOO_LARGE';
      else if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) code = 'ERR_BAD_REQUEST';
      else log?.({ error: (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'error') });
    }
    if (code === 'ERR_RATE_LIMITED' || code === 'ERR_LOCKED') core.d.audit.write('rate_limited', {});
    if (retry !== undefined) void reply.header('retry-after', String(retry));
    const lang = langOf(req);
    const message = d.texts[lang][MESSAGE[code]];
    const status = PORTAL_STATUS[code];
    if (/text\/html/.test(req.headers.accept ?? '')) return html(reply, status, errorPage(base(lang), message));
    return reply.status(status).send({ code, message });
  });
  app.setNotFoundHandler(() => { throw new PortalError('ERR_NOT_FOUND', 'no such page'); });

  /** The cookie token, making one (and setting it) when the browser has none. */
  const ensureToken = (req: FastifyRequest, reply: FastifyReply): string => {
    const have = tokenOf(req, cfg.secure_cookies);
    if (have !== undefined) return have;
    const t = newToken();
    setToken(reply, t, cookieSettings(cfg.session_ttl_s));
    return t;
  };
  const checkCsrf = (req: FastifyRequest): string => {
    const t = tokenOf(req, cfg.secure_cookies);
    const form = (req.body ?? {}) as Form;
    if (t === undefined || !csrfOk(secret, t, form.csrf)) throw new PortalError('ERR_CSRF', 'the form has expired; reload the page');
    return t;
  };
  const sessionOf = (token: string | undefined): Session | undefined => {
    if (token === undefined) return undefined;
    const s = core.d.state.sessions.get(sessionId(token));
    return s !== undefined && s.expiresAt > core.d.now() ? s : undefined;
  };
  const signedIn = (req: FastifyRequest): { token: string; session: Session; person: Person } => {
    const token = tokenOf(req, cfg.secure_cookies);
    const session = sessionOf(token);
    const person = session === undefined ? undefined : core.personOf(session);
    if (token === undefined || session === undefined || person === undefined) throw new PortalError('ERR_SESSION', 'sign in again');
    return { token, session, person };
  };
  const form = (req: FastifyRequest): Form => {
    if (typeof req.body !== 'object' || req.body === null) throw new PortalError('ERR_BAD_REQUEST', 'a form was expected');
    return req.body as Form;
  };

  app.get('/static/portal.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_CSS));
  app.get('/.well-known/jwks.json', async (_req, reply) => reply.type('application/jwk-set+json').header('cache-control', 'public, max-age=300').send(d.jwks));
  app.get('/healthz', () => ({ ok: true }));

  app.get('/', async (req, reply) => {
    const token = ensureToken(req, reply);
    if (sessionOf(token)?.verified !== undefined) return reply.redirect(`/me?lang=${langOf(req)}`, 303);
    return html(reply, 200, lookupPage(base(langOf(req)), csrfOf(secret, token)));
  });

  app.post('/lookup', async (req, reply) => {
    const started = performance.now();
    core.admit(req.ip);
    const token = checkCsrf(req);
    const f = form(req);
    const next = newToken();
    core.lookup(typeof f.identifier === 'string' ? f.identifier : '', sessionOf(token)?.id, sessionId(next));
    setToken(reply, next, cookieSettings(cfg.otp.ttl_s));
    const left = cfg.lookup_floor_ms - (performance.now() - started);
    if (left > 0) await sleep(left);
    return reply.redirect(`/code?lang=${langOf(req)}`, 303);
  });

  app.get('/code', async (req, reply) => {
    const token = tokenOf(req, cfg.secure_cookies);
    const s = sessionOf(token);
    if (token === undefined || s?.challenge === undefined) return reply.redirect(`/?lang=${langOf(req)}`, 303);
    return html(reply, 200, codePage(base(langOf(req)), csrfOf(secret, token), false));
  });

  app.post('/verify', async (req, reply) => {
    core.admit(req.ip);
    const token = checkCsrf(req);
    const s = sessionOf(token);
    if (s?.challenge === undefined) throw new PortalError('ERR_SESSION', 'ask for a new code');
    const next = newToken();
    const r = core.verify(s, form(req).code, sessionId(next));
    if (r === 'wrong') return html(reply, 400, codePage(base(langOf(req)), csrfOf(secret, token), true));
    setToken(reply, next, cookieSettings(cfg.session_ttl_s));
    return reply.redirect(`/me?lang=${langOf(req)}`, 303);
  });

  app.get('/me', async (req, reply) => {
    const token = tokenOf(req, cfg.secure_cookies);
    const session = sessionOf(token);
    const person = session === undefined ? undefined : core.personOf(session);
    if (token === undefined || session === undefined || person === undefined) return reply.redirect(`/?lang=${langOf(req)}`, 303);
    const lang = langOf(req, person.locale);
    const t = d.texts[lang];
    const e = core.d.people.exposure.get(person.accountId);
    const inc = core.d.people.incident;
    const det = inc.details;
    const txt = (v: unknown): string | undefined => typeof v === 'string' ? v : (v as Partial<Record<Lang, string>> | undefined)?.[lang] ?? (v as Partial<Record<Lang, string>> | undefined)?.[lang === 'ko' ? 'en' : 'ko'];
    const contact = det.contact;
    const contacts = contact === undefined ? [] : [txt(contact.department), contact.phone, contact.email, txt(contact.hours), contact.url]
      .filter((x): x is string => typeof x === 'string' && x !== '');
    const done = (req.query as { done?: unknown }).done;
    core.d.audit.write('page', { session: session.id, account_id: person.accountId });
    return html(reply, 200, mePage({
      ...base(lang), csrf: csrfOf(secret, token), incidentId: inc.incident_id, incidentName: inc.name, accountId: person.accountId,
      name: person.name, contact: person.contact,
      ...(e !== undefined && { exposure: { fields: e.fields.map((f) => d.labels[lang].label(f)), first: e.first_access, last: e.last_access, accesses: e.accesses } }),
      actions: det.person_actions.map((a) => txt(a)).filter((x): x is string => x !== undefined), contacts, consent: core.d.consent,
      claimed: core.claimOf(person) !== undefined,
      ...(done === 'joined' && { notice: t.claim_joined }), ...(done === 'withdrawn' && { notice: t.claim_withdrawn }),
    }));
  });

  app.get('/certificate.jws', async (req, reply) => {
    const { session, person } = signedIn(req);
    const c = await core.certificate(person, session);
    return reply.type('application/jose').header('content-disposition', `attachment; filename="${c.certificate_id}.jws"`).send(`${c.jws}\n`);
  });

  const both: BothLabels = { ko: (f) => d.labels.ko.label(f), en: (f) => d.labels.en.label(f) };
  let printing: Promise<unknown> = Promise.resolve();
  app.get('/certificate.pdf', async (req, reply) => {
    const { session, person } = signedIn(req);
    const c = await core.certificate(person, session);
    const payload = JSON.parse(Buffer.from(c.jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Parameters<typeof certificateHtml>[0];
    // One Chromium at a time.
    const job = printing.then(() => printPdf(certificateHtml(payload, c.jws, both)));
    printing = job.catch(() => undefined);
    const pdf = await job;
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${c.certificate_id}.pdf"`).send(pdf);
  });

  app.post('/claim', async (req, reply) => {
    checkCsrf(req);
    const { session, person } = signedIn(req);
    const f = form(req);
    if (core.claimOf(person) === undefined) await core.join(person, session, { name: f.name, contactOk: f.contact_ok, consent: f.consent, version: f.consent_version });
    return reply.redirect(`/me?lang=${langOf(req)}&done=joined`, 303);
  });

  app.post('/claim/withdraw', async (req, reply) => {
    checkCsrf(req);
    const { session, person } = signedIn(req);
    await core.withdraw(person, session);
    return reply.redirect(`/me?lang=${langOf(req)}&done=withdrawn`, 303);
  });

  app.post('/logout', async (req, reply) => {
    const token = checkCsrf(req);
    const s = sessionOf(token);
    if (s !== undefined) {
      core.d.state.endSession(s.id);
      core.d.audit.write('signed_out', { session: s.id });
    }
    clearToken(reply, cookieSettings(0));
    return reply.redirect(`/?lang=${langOf(req)}`, 303);
  });

  return app;
}
