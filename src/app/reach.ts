import type { Source } from '../ports/source.js';
import { UserError } from '../core/errors.js';
import { retry as withRetry } from '../core/retry.js';

/** The services the CLI reaches, and what to check when one cannot be reached. */
export const SERVICES = {
  storage: {
    name: 'Cloud Storage',
    check:
      'Check the network and credentials (gcloud auth application-default login), or STORAGE_EMULATOR_ENDPOINT for the emulator.',
  },
  bigquery: {
    name: 'BigQuery',
    check:
      'Check the network, credentials (gcloud auth application-default login) and --gcp, or BIGQUERY_EMULATOR_ENDPOINT for the emulator.',
  },
  pubsub: {
    name: 'Pub/Sub',
    check:
      'Check the network, credentials (gcloud auth application-default login) and --gcp, or PUBSUB_EMULATOR_HOST for the emulator.',
  },
  cloud: {
    name: 'Google Cloud',
    check:
      'Check the network, credentials (gcloud auth application-default login) and the emulator variables, if you use them.',
  },
} as const;
export type Service = keyof typeof SERVICES;

/** Socket, DNS and gRPC failures that mean "could not reach", and credential failures. */
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket hang up|fetch failed|UNAVAILABLE|DEADLINE_EXCEEDED|default credentials|invalid_grant|Could not refresh access token|Unauthorized/i;

/** Whether an error means the service could not be reached (rather than a refusal of what was asked). */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 14 || code === 4 || code === 16 || code === 401) return true; // gRPC UNAVAILABLE, DEADLINE_EXCEEDED, UNAUTHENTICATED; HTTP 401
  return UNREACHABLE.test(messageOf(error)) || UNREACHABLE.test(String(code ?? ''));
}

/** A service that answered, but with a failure worth asking again about: HTTP 5xx or 429, a timeout. */
export function isServerFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && (code === 429 || (code >= 500 && code < 600))) return true;
  return /i\/o timeout|rateLimitExceeded|backendError/i.test(messageOf(error));
}

/** How long {@link reach} asks again while a service answers with failures, and how it waits. */
export interface ReachRetry {
  forMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The one backoff of {@link reach} and {@link persist}: 1, 2, 4… (at most 10) seconds, for up to `forMs`. */
const retried = <T>(
  work: () => Promise<T>,
  again: (error: unknown) => boolean,
  forMs: number,
  sleep: ((ms: number) => Promise<void>) | undefined,
  waiting: () => void = () => {},
): Promise<T> =>
  withRetry(work, { again, forMs, waiting, firstDelayMs: 1000, maxDelayMs: 10_000, ...(sleep ? { sleep } : {}) });

/**
 * Runs the first call to a service. While the client retries, says so every `everyMs` (0: never); when it
 * gives up on a connection or credential failure, the error becomes one line that names the
 * service and what to check, in place of a raw URL or stack. A service that answers with a server
 * failure (HTTP 5xx or 429, a timeout: an overloaded bucket listing) is asked again, with growing
 * waits, for up to a minute beyond the client's own few retries (`retry.forMs`; 0: not asked again).
 */
export async function reach<T>(
  service: Service,
  target: string,
  work: () => Promise<T>,
  notify: (line: string) => void,
  everyMs = 3000,
  retry: ReachRetry = {},
): Promise<T> {
  const s = SERVICES[service];
  const forMs = retry.forMs ?? 60_000;
  const started = Date.now();
  const say = () =>
    notify(`Still trying to reach ${s.name} (${target}), ${Math.round((Date.now() - started) / 1000)} s…`);
  const timer = everyMs > 0 ? setInterval(say, everyMs) : undefined;
  const serverFailed = (error: unknown) => forMs > 0 && !(error instanceof UserError) && isServerFailure(error);
  try {
    return await retried(work, serverFailed, forMs, retry.sleep);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (serverFailed(error))
      throw new UserError(
        `${s.name} (${target}) kept failing for ${Math.round((Date.now() - started) / 1000)} s: ${messageOf(error)}`,
        'The service answered with errors (overloaded or an outage): try again in a few minutes.',
      );
    if (!isUnreachable(error)) throw error;
    throw new UserError(`could not reach ${s.name} (${target}): ${messageOf(error)}`, s.check);
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs `work` until it succeeds, again while the service cannot be reached, for up to `forMs`
 * (saying so every few seconds): for a step that must not be lost to a short outage, such as a
 * direct run's final promotion. Then fails as {@link reach} does, with one line naming the service.
 */
export async function persist<T>(
  service: Service,
  target: string,
  work: () => Promise<T>,
  notify: (line: string) => void,
  forMs = 120_000,
  sleep?: (ms: number) => Promise<void>,
): Promise<T> {
  const started = Date.now();
  const unreachable = (error: unknown) => error instanceof UserError && error.message.startsWith('could not reach');
  return retried(
    () => reach(service, target, work, notify),
    unreachable,
    forMs,
    sleep,
    () =>
      notify(
        `Still trying to reach ${SERVICES[service].name} (${target}), ${Math.round((Date.now() - started) / 1000)} s…`,
      ),
  );
}

/**
 * The source with its folder listings (what the wizard's choices are made of) run through
 * {@link reach}: a bucket that cannot be reached fails in the same one line as on the `--yes` path,
 * not with the client's raw message.
 */
export function reachingSource(source: Source): Source {
  const service: Service = source.url.startsWith('gs://') ? 'storage' : 'cloud';
  return Object.assign(Object.create(source) as Source, {
    discover: (prefix: string, signal?: AbortSignal) =>
      reach(
        service,
        source.url,
        () => source.discover(prefix, signal),
        () => {},
        0,
      ),
  });
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = text.split('\n')[0] ?? text;
  // node-fetch's "request to URL failed, reason: X": the reason alone (the URL is the client's).
  const reason = /^request to \S+ failed, reason: (.*)$/.exec(first)?.[1];
  // A client's message may end in the raw request URL: keep the reason, drop the URL's query.
  return (reason ?? first).replace(/\?[^\s]*/g, '').slice(0, 200);
}
