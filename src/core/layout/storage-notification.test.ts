import { describe, expect, it } from 'vitest';
import { buildStorageNotification, parseStorageNotification } from './storage-notification.js';

const obj = {
  name: 'data_type=json/analytics_environment=live/event_category=shop/event_ds=2024-01-02/event_time=8-16/s 1/f#1',
  size: 1234,
  generation: '1704200000123456',
  updated: '2024-01-02T10:00:00.000Z',
};

describe('storage notifications', () => {
  it('builds the OBJECT_FINALIZE notification GCS sends, marked with the run', () => {
    const n = buildStorageNotification(obj, { bucket: 'events', runId: 'run-7' });
    expect(n.attributes).toEqual({
      notificationConfig: 'projects/_/buckets/events/notificationConfigs/backfill',
      eventType: 'OBJECT_FINALIZE',
      payloadFormat: 'JSON_API_V1',
      bucketId: 'events',
      objectId: obj.name,
      objectGeneration: obj.generation,
      eventTime: obj.updated,
      backfillRunId: 'run-7',
    });
    const body = JSON.parse(n.data.toString('utf8'));
    expect(body).toMatchObject({
      kind: 'storage#object',
      id: `events/${obj.name}/${obj.generation}`,
      name: obj.name,
      bucket: 'events',
      generation: obj.generation,
      metageneration: '1',
      size: '1234',
      updated: obj.updated,
      timeCreated: obj.updated,
      storageClass: 'STANDARD',
    });
    expect(body.selfLink).toMatch(/\/b\/events\/o\/data_type%3Djson%2F.*s%201%2Ff%231$/);
    expect(body.mediaLink).toContain(`generation=${obj.generation}&alt=media`);
    expect(body.md5Hash).toBeUndefined();
  });

  it('carries the hashes and content type a listing knows', () => {
    const n = buildStorageNotification(
      {
        ...obj,
        details: {
          md5Hash: 'abc==',
          crc32c: 'def==',
          contentType: 'application/json',
          contentEncoding: 'gzip',
          metageneration: '3',
          timeCreated: '2024-01-02T09:00:00.000Z',
        },
      },
      { bucket: 'events', notificationConfig: 'projects/_/buckets/events/notificationConfigs/7' },
    );
    const body = JSON.parse(n.data.toString('utf8'));
    expect(body).toMatchObject({
      md5Hash: 'abc==',
      crc32c: 'def==',
      contentType: 'application/json',
      contentEncoding: 'gzip',
      metageneration: '3',
      timeCreated: '2024-01-02T09:00:00.000Z',
    });
    expect(n.attributes.notificationConfig).toBe('projects/_/buckets/events/notificationConfigs/7');
    expect(n.attributes.backfillRunId).toBeUndefined();
  });

  it('parses what it builds, and live notifications without a body', () => {
    const n = buildStorageNotification(obj, { bucket: 'events', runId: 'r' });
    expect(parseStorageNotification(n)).toMatchObject({
      eventType: 'OBJECT_FINALIZE',
      bucket: 'events',
      name: obj.name,
      generation: obj.generation,
      size: 1234,
      backfillRunId: 'r',
    });
    expect(
      parseStorageNotification({
        data: null,
        attributes: { bucketId: 'b', objectId: 'o', objectGeneration: '5', eventType: 'OBJECT_DELETE' },
      }),
    ).toEqual({ eventType: 'OBJECT_DELETE', bucket: 'b', name: 'o', generation: '5' });
    expect(parseStorageNotification({ data: JSON.stringify({ bucket: 'b', name: 'o', generation: 9 }) })).toMatchObject(
      { bucket: 'b', name: 'o', generation: '9' },
    );
    expect(() => parseStorageNotification({ data: '[]' })).toThrow(/not a JSON object/);
    expect(() => parseStorageNotification({ attributes: { bucketId: 'b' } })).toThrow(/lacks/);
  });
});
