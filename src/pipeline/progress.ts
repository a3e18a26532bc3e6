/**
 * A one-line progress display for long runs, shown only when stderr is a terminal.
 */

/** Something a long run reports now and then. */
export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

/** Returns a terminal progress line (at most ~5 updates a second), or a silent one when not a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  return {
    update(text) {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      stream.write(`\r\x1b[2K${text.slice(0, (stream.columns || 100) - 1)}`);
    },
    done(text) {
      stream.write('\r\x1b[2K' + (text ? `${text}\n` : ''));
    },
  };
}

/** Formats a count with thousands separators. */
export function fmtCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Formats a duration in ms as e.g. `4m 12s` or `850 ms`. */
export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
