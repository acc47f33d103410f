/**
 * Turns whatever invoked the function into the one file it speaks of. Three shapes arrive:
 *
 * 1. A Pub/Sub `messagePublished` CloudEvent whose message is a Cloud Storage notification
 *    (JSON_API_V1, from the bucket or from our backfill: same shape). Through Eventarc the message
 *    sits in `data.message`; from a plain push subscription (the emulator, or a subscription
 *    pointed at the function's URL) the functions framework converts the push body to the same.
 * 2. A direct `google.cloud.storage.object.v1.finalized` CloudEvent: `data` is the object.
 * 3. The bare `{"name": …, "bucket": …}` message the original backfill script published: no
 *    generation, so the handler looks up the live one.
 *
 * Pure: no I/O. Anything else is an {@link UnrecognisedTrigger}; events about other changes
 * (a deletion, a metadata update) are `ignore`d.
 */

import { parseStorageNotification } from '../core/layout/storage-notification.js';

export const PUBSUB_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';
export const STORAGE_FINALIZED = 'google.cloud.storage.object.v1.finalized';

/** The least of a CloudEvent this module reads (the framework's type is wider). */
export interface TriggerEvent {
  id?: string;
  type?: string;
  source?: string;
  subject?: string;
  data?: unknown;
}

export type TriggerShape = 'storage-notification' | 'storage-event' | 'bare-name-bucket';

export interface FileTrigger {
  kind: 'file';
  shape: TriggerShape;
  bucket: string;
  name: string;
  /** Absent for the bare shape: the handler resolves the object's live generation. */
  generation?: string;
  /** The object's size in bytes, when the event says it (notifications and storage events do). */
  size?: number;
  /** Pub/Sub message id or CloudEvent id, for logs. */
  messageId?: string;
  /** Set when our backfill published the notification. */
  backfillRunId?: string;
}

export interface IgnoredTrigger {
  kind: 'ignore';
  reason: string;
  messageId?: string;
}

export type Trigger = FileTrigger | IgnoredTrigger;

/** The event carries no file this function can work on: logged and acknowledged, never retried. */
export class UnrecognisedTrigger extends Error {
  override readonly name = 'UnrecognisedTrigger';
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** `data` as an object: structured CloudEvents carry it parsed; binary ones may carry text or bytes. */
function asObject(data: unknown): Record<string, unknown> | undefined {
  if (isRecord(data) && !(data instanceof Uint8Array)) return data;
  let text: string | undefined;
  if (typeof data === 'string') text = data;
  else if (data instanceof Uint8Array) text = Buffer.from(data).toString('utf8');
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function attributesOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, value] of Object.entries(v)) if (typeof value === 'string') out[k] = value;
  return out;
}

/** A Pub/Sub message's data, which push and Eventarc deliver base64-encoded. */
function messageBytes(data: unknown): Buffer | undefined {
  if (typeof data === 'string') return data === '' ? undefined : Buffer.from(data, 'base64');
  if (data instanceof Uint8Array) return Buffer.from(data);
  // Already-decoded JSON (hand-written test events sometimes do this).
  if (isRecord(data)) return Buffer.from(JSON.stringify(data), 'utf8');
  return undefined;
}

function fromPubSub(data: Record<string, unknown>, eventId: string | undefined): Trigger {
  const message = isRecord(data.message) ? data.message : undefined;
  if (!message) throw new UnrecognisedTrigger('Pub/Sub event without a message');
  const messageId = str(message.messageId) ?? str(message.message_id) ?? eventId;
  const attributes = attributesOf(message.attributes);
  const bytes = messageBytes(message.data);
  const withId = <T extends object>(t: T): T & { messageId?: string } => (messageId ? { ...t, messageId } : t);

  const eventType = attributes.eventType;
  if (eventType !== undefined && eventType !== 'OBJECT_FINALIZE') {
    return withId({ kind: 'ignore', reason: `storage notification ${eventType}: only OBJECT_FINALIZE is ingested` });
  }
  // 1. A Cloud Storage notification (attributes and/or a JSON_API_V1 body with a generation).
  try {
    const n = parseStorageNotification({ data: bytes ?? null, attributes });
    const t: FileTrigger = {
      kind: 'file',
      shape: 'storage-notification',
      bucket: n.bucket,
      name: n.name,
      generation: n.generation,
    };
    if (n.backfillRunId) t.backfillRunId = n.backfillRunId;
    if (n.size !== undefined) t.size = n.size;
    return withId(t);
  } catch {
    // not a full notification: maybe the bare shape
  }
  // 3. The original backfill's bare {"name", "bucket"} (a generation, if present, is used).
  const body = bytes ? asObject(bytes) : undefined;
  const name = str(body?.name) ?? attributes.objectId;
  const bucket = str(body?.bucket) ?? attributes.bucketId;
  if (!name || !bucket) {
    const what =
      bytes === undefined
        ? 'no data'
        : body === undefined
          ? 'data that is not a JSON object'
          : 'no "name" and "bucket"';
    throw new UnrecognisedTrigger(`Pub/Sub message ${messageId ?? '(no id)'} has ${what}: not a storage notification`);
  }
  const t: FileTrigger = { kind: 'file', shape: 'bare-name-bucket', bucket, name };
  const generation = str(body?.generation);
  if (generation) t.generation = generation;
  return withId(t);
}

function fromStorageEvent(data: Record<string, unknown>, eventId: string | undefined): FileTrigger {
  const bucket = str(data.bucket);
  const name = str(data.name);
  const generation = str(data.generation);
  if (!bucket || !name) throw new UnrecognisedTrigger('storage event without a bucket and object name');
  const t: FileTrigger = { kind: 'file', shape: 'storage-event', bucket, name };
  if (generation) t.generation = generation;
  if (eventId) t.messageId = eventId;
  const size = Number(str(data.size));
  if (Number.isSafeInteger(size) && size >= 0) t.size = size;
  return t;
}

/** Decodes one CloudEvent. Throws {@link UnrecognisedTrigger} when it names no file. */
export function decodeTrigger(event: TriggerEvent): Trigger {
  if (!isRecord(event as unknown)) throw new UnrecognisedTrigger('the event is not an object');
  const id = str(event.id);
  const type = typeof event.type === 'string' ? event.type : '';
  const data = asObject(event.data);
  if (type === STORAGE_FINALIZED) {
    if (!data) throw new UnrecognisedTrigger(`${type} event without object data`);
    return fromStorageEvent(data, id);
  }
  if (type.startsWith('google.cloud.storage.object.v1.')) {
    return id
      ? { kind: 'ignore', reason: `${type}: only finalized objects are ingested`, messageId: id }
      : { kind: 'ignore', reason: `${type}: only finalized objects are ingested` };
  }
  if (type === PUBSUB_PUBLISHED || (type === '' && data && isRecord(data.message))) {
    if (!data) throw new UnrecognisedTrigger(`${type} event without data`);
    return fromPubSub(data, id);
  }
  throw new UnrecognisedTrigger(`unsupported event type "${type}"`);
}
