import { act } from 'react';

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
    if (Date.now() > deadline)
      throw new Error(`no frame matched ${String(m)} within ${timeoutMs} ms; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Writes keys one at a time, each inside React's `act`, so the render it causes and the effects
 * after it (where ink components register their key handlers) have all run before the next key:
 * no key meets a handler from an earlier render. A lone Esc needs ink's next-tick flush, hence the turn.
 */
export async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
  const g = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
  for (const k of keys) {
    g.IS_REACT_ACT_ENVIRONMENT = true;
    try {
      await act(async () => {
        await new Promise((r) => setImmediate(r)); // work React scheduled earlier (outside act) runs first
        stdin.write(k);
        await new Promise((r) => setImmediate(r));
      });
    } finally {
      g.IS_REACT_ACT_ENVIRONMENT = false;
    }
  }
}

/** Types text one character at a time. */
export async function type(stdin: { write(data: string): void }, text: string): Promise<void> {
  await press(stdin, ...text.split(''));
}
