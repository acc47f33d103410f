import { useEffect, useState } from 'react';
import { useLatest } from './use-latest.js';

export type AsyncState<T> =
  { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: string };

/**
 * Runs `load` whenever `key` changes (undefined `load` means nothing to do), aborting the previous
 * run, and reports its state. Results of an aborted run are dropped.
 */
export function useAsync<T>(load: ((signal: AbortSignal) => Promise<T>) | undefined, key: string): AsyncState<T> {
  const [state, setState] = useState<{ key: string; state: AsyncState<T> }>({ key: '', state: { status: 'idle' } });
  // `load` is a new closure every render; `key` (and whether there is anything to load) says when it
  // means something new, and the latest closure is the one called.
  const latest = useLatest(load);
  const loads = load !== undefined;
  useEffect(() => {
    const load = latest.current;
    if (!loads || !load) {
      setState({ key, state: { status: 'idle' } });
      return;
    }
    const controller = new AbortController();
    setState({ key, state: { status: 'loading' } });
    Promise.resolve()
      .then(() => load(controller.signal))
      .then(
        (value) => {
          if (!controller.signal.aborted) setState({ key, state: { status: 'done', value } });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ key, state: { status: 'failed', error: messageOf(error) } });
        },
      );
    return () => controller.abort();
  }, [key, loads, latest]);
  // Until the effect for a new key has run, the old result must not show.
  return state.key === key ? state.state : load ? { status: 'loading' } : { status: 'idle' };
}

/** One line for the screen from any thrown value. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const hint = error instanceof Error && 'hint' in error && typeof error.hint === 'string' ? `. ${error.hint}` : '';
  return `${text.split('\n')[0] ?? text}${hint}`;
}

/** The value of a finished load, else undefined. */
export function valueOf<T>(state: AsyncState<T>): T | undefined {
  return state.status === 'done' ? state.value : undefined;
}

/** `{ error }` for a failed load, else nothing: spread into a step's props. */
export function errorOf(state: AsyncState<unknown>): { error?: string } {
  return state.status === 'failed' ? { error: state.error } : {};
}
