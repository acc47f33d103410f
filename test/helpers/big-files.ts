import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `files` files of about `mib` MiB each in one partition of a bucket folder (live, category c,
 * 2026-03-01, 0-8), events of ~1 KB with ids `f<file>-<index>`. Returns each file's event count.
 */
export function writeBigFiles(bucket: string, files: number, mib: number): number[] {
  const folder = join(
    bucket,
    'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8/s',
  );
  mkdirSync(folder, { recursive: true });
  const attributes = 'x'.repeat(900);
  const counts: number[] = [];
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < mib * 1024 * 1024; i++) {
      const line = `{"eventClass":"c","eventId":"f${f}-${i}","eventIndex":${i},"sessionId":"s","eventTimestamp":"2026-03-01T01:00:00Z","eventAttributes":{"a":"${attributes}"}}`;
      lines.push(line);
      bytes += line.length + 1;
    }
    counts.push(lines.length);
    writeFileSync(join(folder, `f${f}`), `${lines.join('\n')}\n`);
  }
  return counts;
}

/** Per file number, the events of it in `rows` (`[file, count]` from the events table). */
export const BY_FILE_SQL =
  "SELECT CAST(split_part(event_id, '-', 1)[2:] AS INTEGER), count(*) FROM events.events_function GROUP BY 1";
