import { createDirectPublisher } from '../../../src/engine/direct-publisher.js';
import { planBackfill } from '../../../src/engine/plan-backfill.js';
import { runBackfill } from '../../../src/engine/run-backfill.js';
import { newRunId, RunRecord } from '../../../src/engine/run-record.js';
import { createFolderSource } from '../../../src/local/folder/folder-source.js';
import type { Warehouse } from '../../../src/ports/warehouse.js';
import type { WizardDeps } from '../../../src/ui/model/wizard-types.js';

/**
 * Wizard dependencies on the real engine for tests: a folder source, the given warehouse (DuckDB)
 * with direct ingestion, run records in `recordDir`. What the CLI's composition root does, minus flags.
 */
export function engineDeps(warehouse: Warehouse, recordDir: string, over: Partial<WizardDeps> = {}): WizardDeps {
  return {
    openSource: (bucket) => createFolderSource(bucket),
    plan: (choices, source, signal, onProgress) =>
      planBackfill({
        source,
        warehouse,
        selection: choices.selection,
        reprocess: choices.reprocess,
        signal,
        onProgress,
        journalDir: recordDir,
      }),
    async run(choices, plan, signal, onEvent) {
      const source = await createFolderSource(choices.bucket);
      const runId = newRunId();
      const publisher = createDirectPublisher({ source, warehouse, jobName: (id) => `wizard-test-${id}` });
      const record = RunRecord.create(recordDir, {
        type: 'start',
        runId,
        createdAt: new Date().toISOString(),
        source: source.url,
        publisher: publisher.url,
        selection: plan.selection,
        reprocess: choices.reprocess,
        planned: plan.totals.toSend,
        request: choices,
      });
      try {
        return await runBackfill({ plan, publisher, record, runId, signal, onEvent });
      } finally {
        await publisher.close();
      }
    },
    destination: () => warehouse.url,
    destinations: () => [
      { value: warehouse.url, label: `DuckDB file ${warehouse.url.slice('duckdb:'.length)}` },
      { value: 'bigquery:test-project', label: 'BigQuery, project test-project' },
    ],
    today: () => new Date('2026-03-15T12:00:00Z'),
    ...over,
  };
}
