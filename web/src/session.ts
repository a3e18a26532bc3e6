/**
 * Where the analyst's API key lives: sessionStorage only (gone when the tab closes), never
 * in the URL, never logged.
 */

const KEY = 'breachwatch.apiKey';

/** The stored API key, or null when the analyst has not entered one yet. */
export function apiKey(): string | null {
  const k = sessionStorage.getItem(KEY);
  return k !== null && k !== '' ? k : null;
}

/** Stores the API key for this tab (trimmed). */
export function setApiKey(key: string): void {
  sessionStorage.setItem(KEY, key.trim());
}

/** Forgets the API key (sign-out, or after the server answered 401). */
export function forgetApiKey(): void {
  sessionStorage.removeItem(KEY);
}
