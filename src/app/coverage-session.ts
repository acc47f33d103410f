import { failedFiles } from '../engine/failed-files.js';
import type { CloudFactories } from '../ports/cloud.js';
import type { Source } from '../ports/source.js';
import type { BackfillRequest } from './backfill-request.js';
import { openSession, type BackfillSession } from './backfill-session.js';
import { openSource } from './open-ports.js';

/**
 * A read-only session whose plan says what landed, per partition, with failed files (unreadable
 * when listed, or failed in their last attempt: read from this machine's run records, since a
 * failure writes nothing to the warehouse) and landed files with rejected lines. `status` and the
 * wizard's map both read it.
 */
export async function openCoverageSession(
  request: BackfillRequest,
  deps: { cloud: CloudFactories; recordDir: string; source?: Source },
): Promise<{ session: BackfillSession; failed: ReadonlyMap<string, string> }> {
  const source = deps.source ?? (await openSource(request.bucket, request.project, deps.cloud));
  const failed = await failedFiles(deps.recordDir, source.url);
  const session = await openSession(request, {
    cloud: deps.cloud,
    recordDir: deps.recordDir,
    dryRun: true,
    source,
    coverage: { failed },
  });
  return { session, failed };
}
