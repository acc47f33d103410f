import { describe, expect, it } from 'vitest';
import { planOf } from '../../test/helpers/ui/plans.js';
import type { BackfillRequest } from './backfill-request.js';
import { forecastText } from './preview-forecast.js';

const request = (over: Partial<BackfillRequest>): BackfillRequest => ({
  bucket: 'gs://events',
  project: 'my-project',
  topic: undefined,
  warehouse: 'bigquery',
  selection: {
    dataType: 'json',
    environments: 'all',
    categories: 'all',
    start: '2026-03-01',
    stop: '2026-03-01',
    times: 'all',
  },
  reprocess: false,
  jobName: undefined,
  ...over,
});

describe('the cost line of the preview', () => {
  it('through Pub/Sub and the function: listing, reads, notifications, invocations, compute, staging, promotion', () => {
    const text = forecastText(planOf([{ ds: '2026-03-01', files: 5000, size: 40_000 }]), request({ topic: 'ingest' }));
    expect(text).toMatch(/^Cost on Google Cloud, about \$\S+ at list prices before free tiers:/);
    for (const item of [
      'listing the bucket',
      'reading the files',
      'Pub/Sub notifications',
      'function invocations',
      'function compute',
      'BigQuery staging',
      'BigQuery promotion',
    ])
      expect(text).toContain(item);
    expect(text).toContain('(prices assumed: docs/costs.md)');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('direct to BigQuery from gs:// pays reads and BigQuery only', () => {
    const text = forecastText(planOf([{ ds: '2026-03-01', files: 10 }]), request({}));
    expect(text).not.toContain('Pub/Sub');
    expect(text).toContain('BigQuery staging');
  });
});
