/**
 * What a backfill would cost on Google Cloud, before it starts: list prices (USD, tier-1 regions,
 * before free tiers and discounts) applied to the plan's files and bytes, for the chosen path.
 * Every price is stated with its source, so the operator can check it against today's page.
 */

export type DeliveryPath = 'pubsub' | 'bigquery' | 'duckdb';

export interface CostInput {
  path: DeliveryPath;
  /** Files to send and their bytes. */
  files: number;
  bytes: number;
  /** Files the plan listed (sent or not): each listing call returns up to 1,000 objects. */
  listed: number;
  /** The source is a Cloud Storage bucket (a folder costs nothing to list or read). */
  gcs: boolean;
}

export interface CostLine {
  what: string;
  usd: number;
  /** The price assumed and where it is published. */
  price: string;
}

const GIB = 2 ** 30;
const TIB = 2 ** 40;

/** The list prices assumed (checked 2026-12-01). */
export const PRICES = {
  gcsClassA: {
    usd: 0.005 / 1000,
    source: 'Cloud Storage Class A (list) $0.005 per 1,000 operations, cloud.google.com/storage/pricing',
  },
  gcsClassB: {
    usd: 0.0004 / 1000,
    source: 'Cloud Storage Class B (get) $0.0004 per 1,000 operations, cloud.google.com/storage/pricing',
  },
  pubsubTiB: {
    usd: 40,
    source: 'Pub/Sub throughput $40 per TiB, 1 KB minimum per request, cloud.google.com/pubsub/pricing',
  },
  runRequest: {
    usd: 0.4 / 1e6,
    source: 'Cloud Run functions $0.40 per million requests, cloud.google.com/run/pricing',
  },
  runVcpuSecond: {
    usd: 0.000024,
    source: 'Cloud Run $0.000024 per vCPU-second (request-based), cloud.google.com/run/pricing',
  },
  runGibSecond: { usd: 0.0000025, source: 'Cloud Run $0.0000025 per GiB-second, cloud.google.com/run/pricing' },
  writeApiGiB: { usd: 0.025, source: 'BigQuery Storage Write API $0.025 per GiB, cloud.google.com/bigquery/pricing' },
  queryTiB: {
    usd: 6.25,
    source: 'BigQuery on-demand queries $6.25 per TiB scanned, cloud.google.com/bigquery/pricing',
  },
} as const;

/** A notification's bytes as Pub/Sub bills them (the JSON_API_V1 payload and attributes, ~1 KB; 1 KB minimum). */
const NOTIFICATION_BYTES = 1024;
/** The function's time per file: Cloud Run's 100 ms billing unit, plus parsing at ~20 MiB/s on 1 vCPU. */
const FUNCTION_SECONDS_PER_FILE = 0.1;
const FUNCTION_BYTES_PER_SECOND = 20 * 2 ** 20;
/** Promotion scans the staged rows about twice (bench:bigquery: ~150 MiB billed for 75 MiB staged). */
const PROMOTION_SCAN_FACTOR = 2;

/** BigQuery bills at least 10 MB per table a query references (cloud.google.com/bigquery/pricing, on-demand). */
const QUERY_MINIMUM_BYTES = 10 * 2 ** 20;
/**
 * A ledger row's bytes in the columns a follow look reads (file path, generation, the ledger text,
 * two timestamps): ~300 bytes for this layout's object names.
 */
const LEDGER_ROW_BYTES = 300;

/**
 * `--follow`'s price: each look is two queries (the ledger rows of the run's days, the staged
 * files), each billed at least BigQuery's 10 MB minimum, the ledger query more when the days hold
 * more ledger rows than that. `files` is every file of the selection (each has or will have a row).
 */
export function followCost(files: number, intervalMs: number): { bytesPerMinute: number; usdPerMinute: number } {
  const perLook = Math.max(QUERY_MINIMUM_BYTES, files * LEDGER_ROW_BYTES) + QUERY_MINIMUM_BYTES;
  const bytesPerMinute = perLook * (60_000 / intervalMs);
  return { bytesPerMinute, usdPerMinute: (bytesPerMinute / TIB) * PRICES.queryTiB.usd };
}

export function forecastCost(input: CostInput): { lines: CostLine[]; usd: number } {
  const lines: CostLine[] = [];
  const add = (what: string, usd: number, price: string) => lines.push({ what, usd, price });
  if (input.gcs) {
    add('listing the bucket', Math.ceil(input.listed / 1000) * PRICES.gcsClassA.usd, PRICES.gcsClassA.source);
    add('reading the files', input.files * PRICES.gcsClassB.usd, PRICES.gcsClassB.source);
  }
  if (input.path === 'pubsub') {
    const throughput = 2 * input.files * NOTIFICATION_BYTES; // published once, pushed once
    add('Pub/Sub notifications (publish and push)', (throughput / TIB) * PRICES.pubsubTiB.usd, PRICES.pubsubTiB.source);
    add('function invocations', input.files * PRICES.runRequest.usd, PRICES.runRequest.source);
    const seconds = input.files * FUNCTION_SECONDS_PER_FILE + input.bytes / FUNCTION_BYTES_PER_SECOND;
    add(
      'function compute (1 vCPU, 512 MiB, one file at a time)',
      seconds * (PRICES.runVcpuSecond.usd + 0.5 * PRICES.runGibSecond.usd),
      `${PRICES.runVcpuSecond.source}; ${PRICES.runGibSecond.source}`,
    );
  }
  if (input.path === 'pubsub' || input.path === 'bigquery') {
    add(
      'BigQuery staging (Storage Write API)',
      (input.bytes / GIB) * PRICES.writeApiGiB.usd,
      PRICES.writeApiGiB.source,
    );
    add(
      'BigQuery promotion queries',
      ((PROMOTION_SCAN_FACTOR * input.bytes) / TIB) * PRICES.queryTiB.usd,
      PRICES.queryTiB.source,
    );
  }
  return { lines, usd: lines.reduce((a, l) => a + l.usd, 0) };
}

/** `$0.0042`, `$1.23`, `$1,234`: enough digits to compare. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}
