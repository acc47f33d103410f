import { describe, expect, it } from 'vitest';
import { batchIdOf } from './file-context.js';

// Expected values from Python's hashlib (the replaced function's language), not from this code.
describe('batchIdOf (contract §3: md5 hex of the name’s last two segments)', () => {
  it('hashes the last two segments of an object name', () => {
    const name =
      'data_type=json/analytics_environment=staging/event_category=economy/event_ds=2024-03-01/event_time=0-8/sess-1/20240301T010203Z-000001';
    expect(batchIdOf(name)).toBe('55d64118b8f040b83e48215a2b3ecd40');
  });

  it('hashes a name of other scripts and an emoji as UTF-8', () => {
    expect(batchIdOf('data_type=json/x/sesión-ü/файл-😀')).toBe('c1f8f9e0c9b07ba8e4d36540fd7ac2b9');
  });
});
