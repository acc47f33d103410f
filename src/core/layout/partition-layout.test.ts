import { describe, expect, it } from 'vitest';
import {
  levelPrefix,
  objectName,
  parseObjectName,
  partitionOf,
  partitionPrefix,
  timeBucketOf,
} from './partition-layout.js';

const p = { dataType: 'json', environment: 'testing', category: 'gameplay', ds: '2026-03-01', time: '8-16' };

describe('partition layout', () => {
  it('builds the endpoint prefix of a partition', () => {
    expect(partitionPrefix(p)).toBe(
      'data_type=json/analytics_environment=testing/event_category=gameplay/event_ds=2026-03-01/event_time=8-16/',
    );
  });

  it('names new files like the endpoint: session folder, UTC timestamp and six digits', () => {
    const name = objectName(p, 'abc', new Date('2026-03-01T09:30:05.123Z'), 42);
    expect(name).toBe(`${partitionPrefix(p)}abc/20260301T093005Z-000042`);
  });

  it('reads a partition back from any object at any depth below event_time', () => {
    expect(partitionOf(`${partitionPrefix(p)}a/b/c/file`)).toEqual(p);
    expect(partitionOf('data_type=json/analytics_environment=testing/loose-file')).toBeUndefined();
  });

  it('stops at the first segment out of place', () => {
    expect(parseObjectName('data_type=json/event_category=x/event_ds=2026-03-01/f')).toEqual({ dataType: 'json' });
  });

  it('builds discovery prefixes level by level', () => {
    expect(levelPrefix(['json', 'staging'])).toBe('data_type=json/analytics_environment=staging/');
  });

  it('puts hours in their UTC time bucket', () => {
    expect(timeBucketOf(new Date('2026-03-01T07:59:59Z'))).toBe('0-8');
    expect(timeBucketOf(new Date('2026-03-01T08:00:00Z'))).toBe('8-16');
    expect(timeBucketOf(new Date('2026-03-01T23:00:00Z'))).toBe('16-24');
  });
});
