import { useInput, type Key } from 'ink';
import { useCallback, useRef } from 'react';

/**
 * The keys every step shares: Esc goes back (when there is a step to go back to). `extra` sees
 * every other key. Ctrl-C is the wizard's, never a step's. The listener is registered once and
 * always calls the latest handlers, so a key pressed right after a re-render is never handled
 * by an old closure.
 */
export function useStepKeys(
  handlers: { onBack?: (() => void) | undefined; extra?: (input: string, key: Key) => void },
  active = true,
): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  const listener = useCallback((input: string, key: Key) => {
    if (key.ctrl && input === 'c') return;
    if (key.escape) {
      latest.current.onBack?.();
      return;
    }
    latest.current.extra?.(input, key);
  }, []);
  useInput(listener, { isActive: active });
}
