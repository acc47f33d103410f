import { describe, expect, it } from 'vitest';
import { followCost, forecastCost, formatUsd, PRICES } from './cost-forecast.js';

const MIB = 2 ** 20;

describe('the cost forecast', () => {
  it('a million 50 KB files through Pub/Sub and the function: every item at its list price', () => {
    const f = forecastCost({ path: 'pubsub', files: 1e6, bytes: 1e6 * 50_000, listed: 1e6, gcs: true });
    const by = Object.fromEntries(f.lines.map((l) => [l.what, l.usd]));
    expect(by['listing the bucket']).toBeCloseTo(1000 * 0.000005, 6);
    expect(by['reading the files']).toBeCloseTo(0.4, 6);
    expect(by['Pub/Sub notifications (publish and push)']).toBeCloseTo(((2e6 * 1024) / 2 ** 40) * 40, 6);
    expect(by['function invocations']).toBeCloseTo(0.4, 6);
    expect(by['BigQuery staging (Storage Write API)']).toBeCloseTo((5e10 / 2 ** 30) * 0.025, 6);
    expect(f.usd).toBeCloseTo(
      f.lines.reduce((a, l) => a + l.usd, 0),
      9,
    );
    expect(f.lines.every((l) => l.price.includes('cloud.google.com'))).toBe(true);
  });

  it('direct BigQuery writes pay no Pub/Sub or function; a folder into DuckDB costs nothing', () => {
    const bq = forecastCost({ path: 'bigquery', files: 10, bytes: 10 * MIB, listed: 10, gcs: false });
    expect(bq.lines.map((l) => l.what)).toEqual(['BigQuery staging (Storage Write API)', 'BigQuery promotion queries']);
    expect(forecastCost({ path: 'duckdb', files: 10, bytes: MIB, listed: 10, gcs: false })).toEqual({
      lines: [],
      usd: 0,
    });
    expect(PRICES.writeApiGiB.usd).toBe(0.025);
  });

  it("--follow's look: two queries at BigQuery's 10 MB minimum each, the ledger query more past ~35,000 files", () => {
    const small = followCost(2000, 15_000);
    expect(small.bytesPerMinute).toBe(4 * 2 * 10 * MIB);
    expect(small.usdPerMinute).toBeCloseTo(((80 * MIB) / 2 ** 40) * 6.25, 9);
    expect(followCost(2000, 60_000).bytesPerMinute).toBe(20 * MIB);
    // A million files' days: ~286 MiB of ledger rows read per look.
    expect(followCost(1e6, 60_000).bytesPerMinute).toBe(1e6 * 300 + 10 * MIB);
  });

  it('prints amounts with the digits that matter', () => {
    expect([formatUsd(0), formatUsd(0.00042), formatUsd(1.234), formatUsd(1234.5)]).toEqual([
      '$0',
      '$0.00042',
      '$1.23',
      '$1,235',
    ]);
  });
});
