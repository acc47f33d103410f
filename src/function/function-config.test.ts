import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { readConfig, refusal } from './function-config.js';

describe('readConfig', () => {
  it('applies the contract defaults', () => {
    expect(readConfig({ ALLOWED_BUCKETS: 'my-events' })).toEqual({
      project: undefined,
      location: undefined,
      tables: {
        eventsDataset: 'events',
        eventsTable: 'events_function',
        logsDataset: 'logs',
        logsTable: 'events_logs_function',
        debugTable: 'events_debug_function',
      },
      allowedBuckets: ['my-events'],
      allowedPrefixes: ['data_type=json/'],
      jobName: 'analytics-ingest',
    });
  });

  it('reads every variable', () => {
    const c = readConfig({
      GOOGLE_CLOUD_PROJECT: 'my-project',
      BIGQUERY_LOCATION: 'EU',
      EVENTS_DATASET: 'ev',
      EVENTS_TABLE: 'e',
      LOGS_DATASET: 'lg',
      LOGS_TABLE: 'l',
      DEBUG_TABLE: 'd',
      ALLOWED_BUCKETS: 'gs://a-bucket/, b-bucket',
      ALLOWED_PREFIXES: 'data_type=json/,data_type=unknown/',
      K_SERVICE: 'ingest-fn',
    });
    expect(c).toMatchObject({
      project: 'my-project',
      location: 'EU',
      allowedBuckets: ['a-bucket', 'b-bucket'],
      allowedPrefixes: ['data_type=json/', 'data_type=unknown/'],
      jobName: 'ingest-fn',
    });
    expect(c.tables).toEqual({
      eventsDataset: 'ev',
      eventsTable: 'e',
      logsDataset: 'lg',
      logsTable: 'l',
      debugTable: 'd',
    });
    expect(
      readConfig({
        ALLOWED_BUCKETS: '*',
        JOB_NAME: 'custom',
        K_SERVICE: 'x',
        BIGQUERY_PROJECT: 'other-proj',
        GOOGLE_CLOUD_PROJECT: 'my-project',
      }),
    ).toMatchObject({ jobName: 'custom', project: 'other-proj' });
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => readConfig({})).toThrow(/ALLOWED_BUCKETS is not set/);
    expect(() => readConfig({ ALLOWED_BUCKETS: 'Bad Bucket' })).toThrow(/ALLOWED_BUCKETS: "Bad Bucket"/);
    expect(() => readConfig({ ALLOWED_BUCKETS: '*,a-bucket' })).toThrow(/cannot be combined/);
    expect(() => readConfig({ ALLOWED_BUCKETS: 'abc', EVENTS_TABLE: 'events-fn' })).toThrow(
      /^EVENTS_TABLE: invalid eventsTable/,
    );
    expect(() => readConfig({ ALLOWED_BUCKETS: 'abc', DEBUG_TABLE: 'events_logs_function' })).toThrow(/must differ/);
    expect(() => readConfig({ ALLOWED_BUCKETS: 'abc', ALLOWED_PREFIXES: ' , ' })).toThrow(/ALLOWED_PREFIXES is empty/);
    expect(() => readConfig({ ALLOWED_BUCKETS: 'abc', ALLOWED_PREFIXES: '/abs' })).toThrow(/ALLOWED_PREFIXES/);
    expect(() => readConfig({ ALLOWED_BUCKETS: 'abc', GOOGLE_CLOUD_PROJECT: 'Not A Project' })).toThrow(UserError);
  });
});

describe('refusal', () => {
  const config = { allowedBuckets: ['a-bucket'], allowedPrefixes: ['data_type=json/'] };
  it('allows only the configured buckets and prefixes', () => {
    expect(refusal(config, 'a-bucket', 'data_type=json/x')).toBeUndefined();
    expect(refusal(config, 'other', 'data_type=json/x')).toMatch(/bucket other is not an allowed bucket/);
    expect(refusal(config, 'a-bucket', 'data_type=unknown/x')).toMatch(/outside the allowed prefixes/);
    expect(refusal({ ...config, allowedBuckets: ['*'] }, 'any-bucket', 'data_type=json/x')).toBeUndefined();
  });
});
