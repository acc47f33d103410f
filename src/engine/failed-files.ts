import { objectKey } from '../core/layout/source-object.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { recordLines } from './record-lines.js';

/**
 * The files whose last attempt failed, by `name#generation`, each with its error: read from the run
 * records in `recordDir` of runs on `sourceUrl`, oldest first, so a later outcome of the same file
 * (sent, ingested, already ingested) clears an earlier failure. Each record is streamed a line at a
 * time and only failures are held, so records of millions of files fit. A record that cannot be
 * read, or a line that is torn or foreign, is passed over: this is a report, not a resume.
 */
export async function failedFiles(recordDir: string, sourceUrl: string): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(recordDir).filter((n) => n.endsWith('.ndjson') && !n.startsWith('.'));
  } catch {
    return failed; // no record folder yet: no run has failed here
  }
  for (const name of names.sort()) {
    try {
      await scan(join(recordDir, name), sourceUrl, failed);
    } catch {
      // unreadable record: passed over
    }
  }
  return failed;
}

async function scan(path: string, sourceUrl: string, failed: Map<string, string>): Promise<void> {
  let first = true;
  let since = 0;
  for (const text of recordLines(path)) {
    if (++since >= 10_000) {
      since = 0;
      await setImmediate(); // a record of millions of lines lets the map's terminal draw meanwhile
    }
    if (first) {
      first = false;
      const header = parse(text);
      if (header?.type !== 'start' || header.source !== sourceUrl) break;
      continue;
    }
    // Most lines are successes of files that never failed: parsed only when they could matter.
    const isFailure = text.includes('"status":"failed"');
    if (!isFailure && failed.size === 0) continue;
    const line = parse(text);
    if (line?.type !== 'file' || typeof line.name !== 'string' || typeof line.generation !== 'string') continue;
    const key = objectKey({ name: line.name, generation: line.generation });
    if (line.status === 'failed') failed.set(key, typeof line.error === 'string' ? line.error : 'failed');
    else failed.delete(key);
  }
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
