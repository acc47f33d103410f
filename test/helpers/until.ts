/** Polls until `check` holds, so a test reacts to progress instead of sleeping a fixed time. */
export async function until(check: () => boolean, timeoutMs = 60_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
