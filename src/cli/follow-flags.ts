import { UsageError } from '../core/errors.js';
import { formatDuration, parseDuration } from '../core/present/format.js';

/** How `--follow` and `status --watch` look again: every `intervalMs`, `--follow` for at most `timeoutMs`. */
export interface FollowFlags {
  intervalMs: number;
  timeoutMs: number;
  /** `--dead-letter-subscription`: where dead letters are read (default TOPIC-dead-hold, as docs/function.md creates it). */
  deadLetterSubscription?: string;
}

export const DEFAULT_FOLLOW: FollowFlags = { intervalMs: 15_000, timeoutMs: 60 * 60_000 };

interface Values {
  follow?: boolean | undefined;
  'follow-timeout'?: string | undefined;
  'follow-interval'?: string | undefined;
  'dead-letter-subscription'?: string | undefined;
  watch?: boolean | undefined;
}

/** `--follow`, `--follow-timeout`, `--follow-interval`, `--watch`: checked, in milliseconds. */
export function followFlags(v: Values): { follow?: FollowFlags; watch?: { intervalMs: number } } {
  const duration = (flag: 'follow-timeout' | 'follow-interval', min: number): number | undefined => {
    const text = v[flag];
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined || ms < min)
      throw new UsageError(`--${flag}: "${text}" is not a duration of ${min / 1000} s or more (e.g. 30s, 10m, 2h)`);
    return ms;
  };
  const timeoutMs = duration('follow-timeout', 1000);
  const intervalMs = duration('follow-interval', 1000);
  if (!v.follow && !v.watch && (timeoutMs !== undefined || intervalMs !== undefined))
    throw new UsageError('--follow-timeout and --follow-interval go with --follow (or status --watch)');
  if (v.watch && timeoutMs !== undefined)
    throw new UsageError('status --watch runs until interrupted: no --follow-timeout');
  const dead = v['dead-letter-subscription']?.trim();
  if (dead !== undefined && (!v.follow || dead === ''))
    throw new UsageError('--dead-letter-subscription names a subscription, and goes with --follow');
  const flags: FollowFlags = {
    intervalMs: intervalMs ?? DEFAULT_FOLLOW.intervalMs,
    timeoutMs: timeoutMs ?? DEFAULT_FOLLOW.timeoutMs,
    ...(dead !== undefined ? { deadLetterSubscription: dead } : {}),
  };
  return { ...(v.follow ? { follow: flags } : {}), ...(v.watch ? { watch: { intervalMs: flags.intervalMs } } : {}) };
}

/** The flags that ask for `follow` again (` --follow`, then what differs from the defaults): the wizard's script line. */
export function followArgs(follow: FollowFlags): string {
  let text = ' --follow';
  if (follow.intervalMs !== DEFAULT_FOLLOW.intervalMs)
    text += ` --follow-interval ${formatDuration(follow.intervalMs)}`;
  if (follow.timeoutMs !== DEFAULT_FOLLOW.timeoutMs) text += ` --follow-timeout ${formatDuration(follow.timeoutMs)}`;
  if (follow.deadLetterSubscription !== undefined)
    text += ` --dead-letter-subscription ${follow.deadLetterSubscription}`;
  return text;
}
