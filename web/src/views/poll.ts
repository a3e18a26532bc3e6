/**
 * Polling that never overlaps itself and stops when the view is left: the next call is
 * scheduled only after the previous one has finished.
 */

/**
 * Runs `tick` now and then every `everyMs` after each run ends, until `signal` aborts or
 * `tick` answers false.
 */
export function poll(tick: () => Promise<boolean>, everyMs: number, signal: AbortSignal): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async (): Promise<void> => {
    if (signal.aborted) return;
    const again = await tick();
    if (again && !signal.aborted) timer = setTimeout(() => void run(), everyMs);
  };
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  void run();
}
