/**
 * Cloud Storage Pub/Sub notifications (payload format JSON_API_V1), built and parsed in one place:
 * the backfill publishes exactly what a bucket's OBJECT_FINALIZE notification would carry, so the
 * ingest function handles backfilled and live files alike. Pure: no client, no I/O.
 */

import type { SourceObject } from './source-object.js';

/** What GCS knows about an object beyond the source's basics; each field optional ("when known"). */
export interface ObjectDetails {
  metageneration?: string;
  contentType?: string;
  contentEncoding?: string;
  timeCreated?: string;
  storageClass?: string;
  md5Hash?: string;
  crc32c?: string;
  etag?: string;
}

/** A source object, possibly with the details a GCS listing adds (`gcs-source.ts` attaches them). */
export type NotifiedObject = SourceObject & { details?: ObjectDetails };

/** The JSON_API_V1 object resource, as the notification's data carries it. */
export interface StorageObjectResource {
  kind: 'storage#object';
  id: string;
  selfLink: string;
  mediaLink: string;
  name: string;
  bucket: string;
  generation: string;
  metageneration: string;
  contentType: string;
  contentEncoding?: string;
  timeCreated: string;
  updated: string;
  storageClass: string;
  timeStorageClassUpdated: string;
  size: string;
  md5Hash?: string;
  crc32c?: string;
  etag?: string;
}

export interface StorageNotification {
  /** The message body: the object resource as JSON text. */
  data: Buffer;
  attributes: Record<string, string>;
}

export interface NotificationOptions {
  bucket: string;
  /** The `notificationConfig` attribute; default `projects/_/buckets/BUCKET/notificationConfigs/backfill`. */
  notificationConfig?: string;
  /** Marks the message as sent by a backfill run (attribute `backfillRunId`). */
  runId?: string;
  /** `eventTime`; defaults to the object's `updated`. */
  eventTime?: string;
}

const API = 'https://www.googleapis.com/storage/v1';
const DOWNLOAD = 'https://storage.googleapis.com/download/storage/v1';

/** The object resource for one object version. */
export function objectResource(bucket: string, o: NotifiedObject): StorageObjectResource {
  const d = o.details ?? {};
  const enc = encodeURIComponent(o.name);
  const resource: StorageObjectResource = {
    kind: 'storage#object',
    id: `${bucket}/${o.name}/${o.generation}`,
    selfLink: `${API}/b/${bucket}/o/${enc}`,
    mediaLink: `${DOWNLOAD}/b/${bucket}/o/${enc}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket,
    generation: o.generation,
    metageneration: d.metageneration ?? '1',
    contentType: d.contentType ?? 'application/octet-stream',
    timeCreated: d.timeCreated ?? o.updated,
    updated: o.updated,
    storageClass: d.storageClass ?? 'STANDARD',
    timeStorageClassUpdated: d.timeCreated ?? o.updated,
    size: String(o.size),
  };
  if (d.contentEncoding) resource.contentEncoding = d.contentEncoding;
  if (d.md5Hash) resource.md5Hash = d.md5Hash;
  if (d.crc32c) resource.crc32c = d.crc32c;
  if (d.etag) resource.etag = d.etag;
  return resource;
}

/** The OBJECT_FINALIZE notification GCS would send for this object version. */
export function buildStorageNotification(o: NotifiedObject, opts: NotificationOptions): StorageNotification {
  const resource = objectResource(opts.bucket, o);
  const attributes: Record<string, string> = {
    notificationConfig: opts.notificationConfig ?? `projects/_/buckets/${opts.bucket}/notificationConfigs/backfill`,
    eventType: 'OBJECT_FINALIZE',
    payloadFormat: 'JSON_API_V1',
    bucketId: opts.bucket,
    objectId: o.name,
    objectGeneration: o.generation,
    eventTime: opts.eventTime ?? o.updated,
  };
  if (opts.runId !== undefined) attributes.backfillRunId = opts.runId;
  return { data: Buffer.from(JSON.stringify(resource), 'utf8'), attributes };
}

/** What a handler needs from a notification. */
export interface ParsedNotification {
  eventType: string;
  bucket: string;
  name: string;
  generation: string;
  size?: number;
  contentType?: string;
  /** Set when a backfill sent it. */
  backfillRunId?: string;
  resource?: Partial<StorageObjectResource>;
}

/**
 * Reads a notification (live or backfilled) from a Pub/Sub message's data and attributes. The
 * attributes win; the JSON body fills in what they lack. Throws when bucket, name or generation is
 * missing, or the body is not JSON (payload format NONE carries no body: attributes suffice).
 */
export function parseStorageNotification(message: {
  data?: Uint8Array | string | null;
  attributes?: Record<string, string> | null;
}): ParsedNotification {
  const attrs = message.attributes ?? {};
  let resource: Partial<StorageObjectResource> | undefined;
  const raw = message.data;
  if (raw !== undefined && raw !== null && raw.length > 0) {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('notification body is not a JSON object');
    resource = parsed as Partial<StorageObjectResource>;
  }
  const bucket = attrs.bucketId ?? resource?.bucket;
  const name = attrs.objectId ?? resource?.name;
  const generation =
    attrs.objectGeneration ?? (resource?.generation !== undefined ? String(resource.generation) : undefined);
  if (!bucket || !name || !generation) throw new Error('notification lacks bucket, object name or generation');
  const out: ParsedNotification = { eventType: attrs.eventType ?? 'OBJECT_FINALIZE', bucket, name, generation };
  if (resource?.size !== undefined && Number.isFinite(Number(resource.size))) out.size = Number(resource.size);
  if (resource?.contentType) out.contentType = resource.contentType;
  if (attrs.backfillRunId) out.backfillRunId = attrs.backfillRunId;
  if (resource) out.resource = resource;
  return out;
}
