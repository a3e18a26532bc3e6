/** The logger the live stage writes to (pino fits), and a silent one. */

/** Logger the live pipeline uses. */
export interface LiveLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/** Discards everything (no logger given). */
export const SILENT_LOG: LiveLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
