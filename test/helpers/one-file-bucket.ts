import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The one partition of {@link oneFileBucket}. */
export const ONE_PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8';

/** A folder bucket holding one file of one event in {@link ONE_PART}, with a record folder beside it. */
export function oneFileBucket(prefix: string): { base: string; bucket: string; records: string } {
  const base = mkdtempSync(join(tmpdir(), prefix));
  const bucket = join(base, 'bucket');
  mkdirSync(join(bucket, ...ONE_PART.split('/')), { recursive: true });
  writeFileSync(join(bucket, ...ONE_PART.split('/'), 'f.json'), '{"eventClass":"c","eventId":"1"}\n');
  return { base, bucket, records: join(base, 'runs') };
}
