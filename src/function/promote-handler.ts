/**
 * The `promote` entry's work, touching no globals: one promotion per POST (Cloud Scheduler's), a
 * plain-text answer, one log line. A failed call (BigQuery away) leaves nothing behind: the next
 * call sets up and promotes afresh. Other methods get 405 and what the entry takes.
 */
import type { Logger } from './structured-logger.js';
import { errorFields } from './structured-logger.js';

export interface PromoteDeps {
  promoteNow(): Promise<void>;
  log: Logger;
}

export interface PromoteAnswer {
  status: number;
  body: string;
}

export function createPromoteHandler(deps: PromoteDeps): (method: string) => Promise<PromoteAnswer> {
  return async (method) => {
    if (method !== 'POST')
      return {
        status: 405,
        body: 'The promote entry takes a POST (Cloud Scheduler, every minute; docs/function.md).\n',
      };
    const started = performance.now();
    try {
      await deps.promoteNow();
      deps.log.info('promotion done', { seconds: +((performance.now() - started) / 1000).toFixed(3) });
      return { status: 200, body: 'promoted\n' };
    } catch (error) {
      deps.log.error(
        `promotion failed; the next call tries again: ${error instanceof Error ? error.message : String(error)}`,
        errorFields(error),
      );
      return { status: 500, body: 'promotion failed; see the function log\n' };
    }
  };
}
