/** Helpers for the wizard's ink-testing-library tests: keys as a terminal sends them, and waiting for frames. */

export const KEY = {
  enter: '\r',
  esc: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  space: ' ',
  backspace: '\u007F',
  tab: '\t',
  ctrlC: '\u0003',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
} as const;

type Matcher = string | RegExp | ((frame: string) => boolean);

const matches = (frame: string, m: Matcher) =>
  typeof m === 'string' ? frame.includes(m) : m instanceof RegExp ? m.test(frame) : m(frame);

/**
 * Polls `lastFrame` until it matches (a substring, a pattern or a predicate), so tests react to
 * what is drawn instead of sleeping. Fails with the last frame after `timeoutMs`.
 */
export async function waitForFrame(lastFrame: () => string | undefined, m: Matcher, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (matches(frame, m)) return frame;
    if (Date.now() > deadline) throw new Error(`no frame matched ${String(m)} within ${timeoutMs} ms; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Writes keys one at a time, waiting a turn between them so ink sees each as its own keypress. */
export async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Types text one character at a time. */
export async function type(stdin: { write(data: string): void }, text: string): Promise<void> {
  await press(stdin, ...text.split(''));
}
