/**
 * What every view receives, and how a view shows a failed API call: the server's
 * `{code, message}` in an alert box (401 goes back to the key prompt instead).
 */
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import type { Route } from '../router.js';

/** Everything a view needs: its route, an abort signal for leaving, and the failure path. */
export interface ViewContext {
  readonly route: Route;
  /** Aborted when the analyst navigates away: stop polling, ignore late answers. */
  readonly signal: AbortSignal;
  /**
   * Reports a failed call. Answers true when the app took over (401: back to the key
   * prompt) and the view should stop; false when the view should show {@link errorBox}.
   */
  readonly unauthorized: (err: unknown) => boolean;
}

/** A view renders itself into `root` (the page's `<main>`). */
export type View = (root: HTMLElement, ctx: ViewContext) => void;

/** Human wording for an error; the server's code and message are shown as they are. */
function describe(err: unknown): { title: string; code: string; message: string } {
  if (err instanceof ApiError) {
    const title =
      err.status === 403 ? 'This API key may not do that'
      : err.status === 404 ? 'Not found'
      : err.status === 0 ? 'Server unreachable'
      : err.status >= 500 ? 'The server failed'
      : 'The request was refused';
    return { title, code: err.status > 0 ? `${err.status} ${err.code}` : err.code, message: err.message };
  }
  return { title: 'Something went wrong', code: 'ERR_CLIENT', message: err instanceof Error ? err.message : String(err) };
}

/** An accessible error box (`role="alert"`): a title, a code and the message. */
export function failureBox(title: string, code: string, message: string): HTMLElement {
  return h('div', { class: 'error', role: 'alert' },
    h('p', { class: 'error-title' }, title),
    h('p', {}, h('code', {}, code), ' ', message));
}

/** The error box for a failed call: the server's status, code and message as they are. */
export function errorBox(err: unknown): HTMLElement {
  const d = describe(err);
  return failureBox(d.title, d.code, d.message);
}
