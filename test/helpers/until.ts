/**
 * The one polling helper: waits until `check` holds (it may be async), so a test reacts to progress
 * instead of sleeping a fixed time. `what` names what was awaited in the timeout error (a function:
 * computed then, e.g. with the tail of a process's output).
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  what: string | (() => string) = 'a condition',
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
