/** The GCS partition layout the ingest endpoint writes (contract §1). */
import { printable } from '../present/format.js';

export const KNOWN_ENVIRONMENTS = ['testing', 'development', 'staging', 'production', 'live'] as const;
export const TIME_BUCKETS = ['0-8', '8-16', '16-24'] as const;
export const DATA_TYPES = ['json', 'unknown'] as const;

export type TimeBucket = (typeof TIME_BUCKETS)[number];

/** One `event_time=` folder: the unit a selection is made of. */
export interface Partition {
  dataType: string;
  environment: string;
  category: string;
  /** `YYYY-MM-DD` */
  ds: string;
  time: string;
}

/** What the path of one object says about it; a field is undefined when the path lacks it. */
export interface PathFields {
  dataType?: string;
  environment?: string;
  category?: string;
  ds?: string;
  time?: string;
}

const KEYS = ['data_type', 'analytics_environment', 'event_category', 'event_ds', 'event_time'] as const;

/** The folder prefix (ending in `/`) that holds every object of one partition. */
export function partitionPrefix(p: Partition): string {
  return (
    `data_type=${p.dataType}/analytics_environment=${p.environment}/` +
    `event_category=${p.category}/event_ds=${p.ds}/event_time=${p.time}/`
  );
}

/**
 * The prefix down to (and including) `depth` levels of the layout, for discovery listings:
 * depth 1 → `data_type=json/`, depth 2 → `…/analytics_environment=E/`, and so on.
 */
export function levelPrefix(values: readonly string[]): string {
  return values.map((v, i) => `${KEYS[i]}=${v}/`).join('');
}

/**
 * The value a folder named `segment` gives the level below `prefix` (a {@link levelPrefix}), or
 * undefined when it is not that level's `key=value` folder: a stray `backup_event_ds=…` or
 * `old_analytics_environment=…` beside the real ones is no partition. One rule for every source.
 */
export function levelValue(prefix: string, segment: string): string | undefined {
  const key = levelKey(prefix);
  if (key === undefined || !segment.startsWith(`${key}=`) || segment.length === key.length + 1) return undefined;
  return segment.slice(key.length + 1);
}

/** The key of the level below `prefix` (a {@link levelPrefix}): `analytics_environment` below `data_type=json/`. */
export function levelKey(prefix: string): string | undefined {
  return KEYS[prefix === '' ? 0 : prefix.split('/').length - 1];
}

/** Reads the `key=value` segments of an object name. Unknown or misplaced segments are ignored. */
export function parseObjectName(name: string): PathFields {
  const fields: PathFields = {};
  const segments = name.split('/');
  for (let i = 0; i < KEYS.length && i < segments.length - 1; i++) {
    const key = KEYS[i];
    const segment = segments[i] ?? '';
    if (!segment.startsWith(`${key}=`)) break;
    const value = segment.slice(key!.length + 1);
    if (i === 0) fields.dataType = value;
    else if (i === 1) fields.environment = value;
    else if (i === 2) fields.category = value;
    else if (i === 3) fields.ds = value;
    else fields.time = value;
  }
  return fields;
}

/** The partition an object belongs to, or undefined when its name is not inside an `event_time=` folder. */
export function partitionOf(name: string): Partition | undefined {
  const f = parseObjectName(name);
  if (f.dataType === undefined || f.environment === undefined || f.category === undefined) return undefined;
  if (f.ds === undefined || f.time === undefined) return undefined;
  return { dataType: f.dataType, environment: f.environment, category: f.category, ds: f.ds, time: f.time };
}

/**
 * An object name as an operator reads it in a list: `env/category/date/time/rest`, the folders'
 * keys dropped (they are the same for every file), so what differs between files shows first.
 */
export function shortObjectName(name: string): string {
  const p = partitionOf(name);
  if (p === undefined) return printable(name);
  return printable(`${p.environment}/${p.category}/${p.ds}/${p.time}/${name.slice(partitionPrefix(p).length)}`);
}

/** The endpoint's object name for a new file: `…/event_time=T/{session}/{utc timestamp}-{6 digits}`. */
export function objectName(p: Partition, sessionId: string, at: Date, suffix: number): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${partitionPrefix(p)}${sessionId}/${stamp}-${String(suffix).padStart(6, '0')}`;
}

/** The time bucket an instant falls in (UTC hours). */
export function timeBucketOf(at: Date): TimeBucket {
  const h = at.getUTCHours();
  return h < 8 ? '0-8' : h < 16 ? '8-16' : '16-24';
}
