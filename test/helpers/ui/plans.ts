import type { SourceObject } from '../../../src/ports/source.js';
import type { TimeBucket } from '../../../src/core/layout/partition-layout.js';
import { totalsOf, type BackfillPlan, type PartitionPlan } from '../../../src/engine/plan-backfill.js';
import type { RunSummary } from '../../../src/engine/run-backfill.js';

export interface PartSpec {
  env?: string;
  category?: string;
  ds: string;
  time?: TimeBucket;
  files: number;
  /** Bytes per file. */
  size?: number;
  already?: number;
}

/** An in-memory plan for display tests: each partition's files named and sized from the spec. */
export function planOf(parts: readonly PartSpec[], reprocess = false): BackfillPlan {
  const partitions: (PartitionPlan & { files: SourceObject[] })[] = parts.map((s) => {
    const partition = {
      dataType: 'json',
      environment: s.env ?? 'testing',
      category: s.category ?? 'gameplay',
      ds: s.ds,
      time: s.time ?? '0-8',
    };
    const files = Array.from({ length: s.files }, (_, i) => ({
      name: `data_type=json/analytics_environment=${partition.environment}/event_category=${partition.category}/event_ds=${s.ds}/event_time=${partition.time}/s/${i}`,
      size: s.size ?? 1000,
      generation: '1',
      updated: '2026-03-01T00:00:00Z',
    }));
    const toSend = reprocess ? files : files.slice(s.already ?? 0);
    return {
      partition,
      matched: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      alreadyIngested: s.already ?? 0,
      staged: 0,
      toSend: toSend.length,
      bytesToSend: toSend.reduce((n, f) => n + f.size, 0),
      files: toSend,
    };
  });
  const envs = [...new Set(partitions.map((p) => p.partition.environment))];
  const cats = [...new Set(partitions.map((p) => p.partition.category))];
  return {
    source: 'file:///bucket',
    selection: {
      dataType: 'json',
      environments: envs,
      categories: cats,
      start: '2026-03-01',
      stop: '2026-03-31',
      times: ['0-8', '8-16', '16-24'],
    },
    reprocess,
    sample: partitions.flatMap((p) => p.files).slice(0, 24),
    unwalkable: [],
    partitions: partitions.filter((p) => p.matched > 0).map(({ files: _files, ...p }) => p),
    totals: totalsOf(partitions),
    files: async function* () {
      for (const p of partitions) yield* p.files;
    },
    discard: () => undefined,
  };
}

export function summaryOf(over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: '20260315-120000-abcd',
    recordPath: '/state/runs/20260315-120000-abcd.ndjson',
    counts: { published: 0, ingested: 0, staged: 0, 'already-ingested': 0, failed: 0 },
    failures: [],
    rows: { events: 0, debug: 0, filesWithDebug: 0, worst: [] },
    notSent: 0,
    interrupted: false,
    elapsedMs: 12_000,
    bytes: 0,
    ...over,
  };
}
