import { useInput } from 'ink';
import { useCallback, useEffect, useRef } from 'react';

/**
 * Calls `handler` on Ctrl-C: the keypress (the terminal is in raw mode, so no SIGINT comes) or
 * the process's interrupt signal (a SIGINT sent from outside).
 */
export function useInterrupt(handler: () => void, signal?: AbortSignal): void {
  const latest = useRef(handler);
  latest.current = handler;
  useInput(
    useCallback((input, key) => {
      // Two Ctrl-Cs pressed quickly can arrive in one read (`\x03\x03`): each counts.
      const presses = key.ctrl && input === 'c' ? 1 : [...input].filter((ch) => ch === '\x03').length;
      for (let i = 0; i < presses; i++) latest.current();
    }, []),
  );
  useEffect(() => {
    if (!signal) return;
    const onAbort = () => latest.current();
    signal.addEventListener('abort', onAbort);
    return () => signal.removeEventListener('abort', onAbort);
  }, [signal]);
}
