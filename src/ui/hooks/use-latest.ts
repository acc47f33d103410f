import { useRef, type RefObject } from 'react';

/**
 * A ref that always holds this render's `value`: an effect that runs once (or on its own key) can
 * call the latest callback through it without running again each time the callback's identity
 * changes.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
