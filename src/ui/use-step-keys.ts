import { useInput, type Key } from 'ink';

/**
 * The keys every step shares: Esc goes back (when there is a step to go back to). `extra` sees
 * every other key. Ctrl-C is the wizard's, never a step's.
 */
export function useStepKeys(handlers: { onBack?: (() => void) | undefined; extra?: (input: string, key: Key) => void }, active = true): void {
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return;
      if (key.escape) {
        handlers.onBack?.();
        return;
      }
      handlers.extra?.(input, key);
    },
    { isActive: active },
  );
}
