/**
 * The API-key prompt. The key goes to sessionStorage only; the input is a password field
 * so it is not shown on screen or offered for autofill history.
 */
import { h, replace } from '../dom.js';
import { setApiKey } from '../session.js';

/**
 * Shows the prompt in `root`; `reason` (e.g. the server's 401 message) is shown above it.
 * Calls `done` once a key has been stored.
 */
export function loginView(root: HTMLElement, reason: string | undefined, done: () => void): void {
  document.title = 'API key · breachwatch';
  const input = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', required: true,
    autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'api-key-help',
  });
  const form = h('form', { class: 'login card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in with an API key'),
    reason !== undefined ? h('div', { class: 'error', role: 'alert' }, h('p', {}, reason)) : null,
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { id: 'api-key-help', class: 'muted' },
      'An analyst or admin key from the server configuration. It stays in this browser tab only and is cleared when the tab closes.'),
    h('button', { type: 'submit', class: 'primary' }, 'Continue'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (input.value.trim() === '') return;
    setApiKey(input.value);
    input.value = '';
    done();
  });
  replace(root, form);
  input.focus();
}
