/**
 * The dashboard's entry point: asks for an API key when there is none, then routes between
 * the views. A 401 from any call forgets the key and returns to the prompt with the
 * server's message.
 */
import { ApiError } from './api.js';
import { startRouter, type Route, type RouteEntry } from './router.js';
import { apiKey, forgetApiKey } from './session.js';
import { alertView } from './views/alert.js';
import { alertsView } from './views/alerts.js';
import { auditView } from './views/audit.js';
import { incidentView } from './views/incident.js';
import { incidentsView } from './views/incidents.js';
import { loginView } from './views/login.js';
import { requestView } from './views/request.js';
import { scopeView } from './views/scope.js';
import type { View } from './views/view.js';

const main = document.getElementById('main') as HTMLElement;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;
let current: AbortController | null = null;
let lastRoute: { view: View; route: Route } | null = null;
let firstRender = true;

function markNav(section: string): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function showLogin(reason?: string): void {
  current?.abort();
  current = null;
  signOut.hidden = true;
  markNav('');
  loginView(main, reason, () => { if (lastRoute) show(lastRoute.view, lastRoute.route); });
}

/** 401 → back to the prompt; anything else is the view's to show. */
function unauthorized(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.status !== 401) return false;
  forgetApiKey();
  showLogin(err.code === 'ERR_NO_KEY' ? undefined : `The server did not accept this API key (${err.code}: ${err.message}).`);
  return true;
}

function show(view: View, route: Route): void {
  lastRoute = { view, route };
  current?.abort();
  current = null;
  if (apiKey() === null) return showLogin();
  signOut.hidden = false;
  markNav(route.path.split('/')[1] ?? '');
  current = new AbortController();
  view(main, { route, signal: current.signal, unauthorized });
  // Move focus to the new content for keyboard and screen-reader users (not on first load).
  if (!firstRender) main.focus({ preventScroll: true });
  firstRender = false;
  window.scrollTo(0, 0);
}

signOut.addEventListener('click', () => {
  forgetApiKey();
  showLogin();
});

const routes: RouteEntry[] = [
  [/^\/alerts$/, (r) => show(alertsView, r)],
  [/^\/alerts\/([^/]+)$/, (r) => show(alertView, r)],
  [/^\/requests\/([^/]+)$/, (r) => show(requestView, r)],
  [/^\/audit$/, (r) => show(auditView, r)],
  [/^\/incidents$/, (r) => show(incidentsView, r)],
  [/^\/incidents\/([^/]+)$/, (r) => show(incidentView, r)],
  [/^\/scope(?:\/([^/]+))?$/, (r) => show(scopeView, r)],
];
startRouter(routes, '#/alerts');
