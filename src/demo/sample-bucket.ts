import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { addHours } from 'date-fns/addHours';
import { parseISO } from 'date-fns/parseISO';
import { objectName, type Partition, type TimeBucket } from '../core/layout/partition-layout.js';
import { datesOf } from '../core/layout/selection.js';

export interface SampleSpec {
  environments: readonly string[];
  categories: readonly string[];
  start: string;
  stop: string;
  times: readonly TimeBucket[];
  filesPerPartition: number;
  eventsPerFile: number;
  /** Every Nth file gets one line that is not JSON and one event without eventClass (0 = never). */
  badEvery?: number;
  /** Every Nth file is gzipped (0 = never). */
  gzipEvery?: number;
  seed?: number;
}

/** What a sample bucket holds, so a test can check what landed against what was written. */
export interface SampleTally {
  files: number;
  events: number;
  rejected: number;
  bytes: number;
  /** Per partition prefix: files and events. */
  byPartition: Map<string, { files: number; events: number; rejected: number }>;
}

/** A small deterministic PRNG (mulberry32), so samples are the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR_OF: Record<TimeBucket, number> = { '0-8': 3, '8-16': 11, '16-24': 19 };

/**
 * Writes a folder in the ingest endpoint's format: NDJSON files of events, camelCase and
 * snake_case mixed, under `data_type=json/…/event_time=T/{session}/{timestamp}-{6 digits}`.
 */
/** What `npm run demo` writes to `.demo/bucket`, and what `--help`'s examples name. */
export const DEMO_BUCKET: SampleSpec = {
  environments: ['testing', 'staging'],
  categories: ['gameplay', 'store'],
  start: '2026-03-01',
  stop: '2026-03-03',
  times: ['0-8', '8-16', '16-24'],
  filesPerPartition: 2,
  eventsPerFile: 25,
  badEvery: 5,
  gzipEvery: 7,
};

export function writeSampleBucket(dir: string, spec: SampleSpec): SampleTally {
  const random = rng(spec.seed ?? 1);
  const tally: SampleTally = { files: 0, events: 0, rejected: 0, bytes: 0, byPartition: new Map() };
  let fileNo = 0;
  for (const environment of spec.environments) {
    for (const category of spec.categories) {
      for (const ds of datesOf(spec.start, spec.stop)) {
        for (const time of spec.times) {
          const partition: Partition = { dataType: 'json', environment, category, ds, time };
          const at = addHours(parseISO(`${ds}T00:00:00Z`), HOUR_OF[time]);
          for (let f = 0; f < spec.filesPerPartition; f++) {
            fileNo++;
            const session = `session-${Math.floor(random() * 1e9).toString(36)}`;
            const name = objectName(partition, session, at, Math.floor(random() * 1e6));
            const lines: string[] = [];
            for (let i = 0; i < spec.eventsPerFile; i++)
              lines.push(JSON.stringify(sampleEvent(random, environment, category, session, at, i)));
            let rejected = 0;
            if (spec.badEvery && fileNo % spec.badEvery === 0) {
              lines.splice(1, 0, '{"eventClass": "broken", ');
              lines.push(JSON.stringify({ eventId: 'no-class', sessionId: session }));
              rejected = 2;
            }
            const text = `${lines.join('\n')}\n`;
            const bytes = spec.gzipEvery && fileNo % spec.gzipEvery === 0 ? gzipSync(text) : Buffer.from(text);
            const path = join(dir, ...name.split('/'));
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, bytes);
            tally.files++;
            tally.events += spec.eventsPerFile;
            tally.rejected += rejected;
            tally.bytes += bytes.length;
            const key = name.slice(0, name.indexOf(`event_time=${time}/`) + `event_time=${time}/`.length);
            const p = tally.byPartition.get(key) ?? { files: 0, events: 0, rejected: 0 };
            p.files++;
            p.events += spec.eventsPerFile;
            p.rejected += rejected;
            tally.byPartition.set(key, p);
          }
        }
      }
    }
  }
  return tally;
}

const CLASSES = ['session', 'progression', 'economy', 'ad', 'error'];

/** One event as a game client sends it; half camelCase, half snake_case. */
export function sampleEvent(
  random: () => number,
  environment: string,
  category: string,
  session: string,
  at: Date,
  index: number,
) {
  const ts = at.getTime() + Math.floor(random() * 3_600_000);
  const attributes = { level: Math.floor(random() * 50), coins: Math.floor(random() * 1000), category };
  if (random() < 0.5) {
    return {
      eventId: `${session}-${index}`,
      eventIndex: index,
      eventClass: CLASSES[index % CLASSES.length],
      eventType: 'sample',
      eventSource: 'client',
      sessionId: session,
      buildVersion: '1.4.2',
      analyticsEnvironment: environment,
      eventEnvironment: environment,
      eventTimestamp: ts,
      receivedTimestamp: new Date(ts + 1500).toISOString(),
      eventAttributes: attributes,
    };
  }
  return {
    event_id: `${session}-${index}`,
    event_index: String(index),
    event_class: CLASSES[index % CLASSES.length],
    event_type: 'sample',
    event_source: 'client',
    session_id: session,
    build_version: '1.4.2',
    event_timestamp: ts / 1000,
    received_timestamp: `${new Date(ts + 1500).toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    event_attributes: JSON.stringify(attributes),
  };
}
