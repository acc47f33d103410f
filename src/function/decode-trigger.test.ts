import { describe, expect, it } from 'vitest';
import { buildStorageNotification } from '../core/layout/storage-notification.js';
import { decodeTrigger, PUBSUB_PUBLISHED, STORAGE_FINALIZED, UnrecognisedTrigger } from './decode-trigger.js';

const NAME =
  'data_type=json/analytics_environment=testing/event_category=c/event_ds=2026-03-01/event_time=0-8/s1/20260301T000000Z-000001';
const object = { name: NAME, size: 10, generation: '1700000000000001', updated: '2026-03-01T00:00:00.000Z' };

/** The CloudEvent Eventarc delivers for a Pub/Sub message. */
function pubsubEvent(data: Buffer | undefined, attributes: Record<string, string> = {}) {
  const message: Record<string, unknown> = { attributes, messageId: 'm-1', publishTime: '2026-03-01T00:00:01Z' };
  if (data) message.data = data.toString('base64');
  return {
    id: 'm-1',
    type: PUBSUB_PUBLISHED,
    source: '//pubsub.googleapis.com/projects/p/topics/t',
    data: { message, subscription: 'projects/p/subscriptions/s' },
  };
}

describe('decodeTrigger', () => {
  it('reads a bucket notification (and the same from the backfill)', () => {
    const n = buildStorageNotification(object, { bucket: 'events-bucket', runId: 'run-9' });
    expect(decodeTrigger(pubsubEvent(n.data, n.attributes))).toEqual({
      kind: 'file',
      shape: 'storage-notification',
      bucket: 'events-bucket',
      name: NAME,
      generation: '1700000000000001',
      messageId: 'm-1',
      backfillRunId: 'run-9',
      size: 10,
    });
    // A live notification: attributes and the JSON_API_V1 body, no backfill marker.
    const live = buildStorageNotification(object, {
      bucket: 'events-bucket',
      notificationConfig: 'projects/_/buckets/events-bucket/notificationConfigs/3',
    });
    expect(decodeTrigger(pubsubEvent(live.data, live.attributes))).toMatchObject({
      shape: 'storage-notification',
      generation: '1700000000000001',
    });
    // Payload format NONE: attributes only.
    expect(decodeTrigger(pubsubEvent(undefined, n.attributes))).toMatchObject({
      bucket: 'events-bucket',
      name: NAME,
      generation: '1700000000000001',
    });
  });

  it('reads the body alone when the attributes are missing', () => {
    const n = buildStorageNotification(object, { bucket: 'b-1' });
    expect(decodeTrigger(pubsubEvent(n.data))).toMatchObject({
      shape: 'storage-notification',
      bucket: 'b-1',
      generation: '1700000000000001',
    });
  });

  it('reads the functions framework conversion of a raw push body', () => {
    const n = buildStorageNotification(object, { bucket: 'b-1' });
    // What the framework makes of {subscription, message} posted by a push subscription.
    const event = {
      id: 'm-7',
      time: '2026-03-01T00:00:01Z',
      specversion: '1.0',
      datacontenttype: 'application/json',
      type: PUBSUB_PUBLISHED,
      source: '//pubsub.googleapis.com/projects/p/topics/t',
      data: {
        message: {
          '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
          data: n.data.toString('base64'),
          attributes: n.attributes,
          publishTime: 'x',
          messageId: 'm-7',
        },
      },
    };
    expect(decodeTrigger(event)).toMatchObject({ kind: 'file', bucket: 'b-1', name: NAME, messageId: 'm-7' });
  });

  it('reads the original backfill bare {name, bucket} payload, without a generation', () => {
    const body = Buffer.from(JSON.stringify({ name: NAME, bucket: 'old-bucket' }));
    expect(decodeTrigger(pubsubEvent(body))).toEqual({
      kind: 'file',
      shape: 'bare-name-bucket',
      bucket: 'old-bucket',
      name: NAME,
      messageId: 'm-1',
    });
  });

  it('reads a direct storage finalized event, generation as a string or a number', () => {
    const data = { bucket: 'b-2', name: NAME, generation: '17', size: '10', contentType: 'application/json' };
    expect(decodeTrigger({ id: 'e1', type: STORAGE_FINALIZED, data })).toEqual({
      kind: 'file',
      shape: 'storage-event',
      bucket: 'b-2',
      name: NAME,
      generation: '17',
      messageId: 'e1',
      size: 10,
    });
    expect(decodeTrigger({ type: STORAGE_FINALIZED, data: { ...data, generation: 17 } })).toMatchObject({
      generation: '17',
    });
    expect(decodeTrigger({ type: STORAGE_FINALIZED, data: JSON.stringify(data) })).toMatchObject({ generation: '17' });
  });

  it('ignores other storage changes', () => {
    const n = buildStorageNotification(object, { bucket: 'b' });
    expect(decodeTrigger(pubsubEvent(n.data, { ...n.attributes, eventType: 'OBJECT_DELETE' }))).toMatchObject({
      kind: 'ignore',
    });
    expect(
      decodeTrigger({ type: 'google.cloud.storage.object.v1.deleted', data: { bucket: 'b', name: NAME } }),
    ).toMatchObject({ kind: 'ignore' });
  });

  it('refuses what names no file', () => {
    expect(() => decodeTrigger(pubsubEvent(Buffer.from('hello')))).toThrow(UnrecognisedTrigger);
    expect(() => decodeTrigger(pubsubEvent(Buffer.from('{"name":"x"}')))).toThrow(/no "name" and "bucket"/);
    expect(() => decodeTrigger(pubsubEvent(undefined))).toThrow(/no data/);
    expect(() => decodeTrigger({ type: 'google.cloud.audit.log.v1.written', data: {} })).toThrow(
      /unsupported event type/,
    );
    expect(() => decodeTrigger({ type: STORAGE_FINALIZED, data: { name: NAME } })).toThrow(UnrecognisedTrigger);
    expect(() => decodeTrigger(null as never)).toThrow(UnrecognisedTrigger);
  });
});
