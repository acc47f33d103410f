/**
 * Issue #6, security: values reach BigQuery's SQL only as query parameters. An object name and
 * event text written to look like SQL (quotes, backticks, comments, parameter names) land as
 * plain data on the BigQuery emulator, the ledger finds the file by that name, and a second
 * delivery adds nothing.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES } from '../../src/core/schema/table-schemas.js';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { emulatorBigQuery } from '../../src/gcp/gcp-clients.js';
import type { Source } from '../../src/ports/source.js';
import { ledgerKey } from '../../src/ports/warehouse.js';
import { emulatorsAvailable, startBigQuery, type RunningEmulator } from '../helpers/emulators.js';
import { stagedWarehouse } from '../helpers/staged-warehouse.js';

const INJECTION = `x' OR '1'='1"; DROP TABLE logs.events_logs_function; -- \`@rows\` \\' $1 /* */`;
const NAME = `data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8/s/${INJECTION}`;
const CONTENT = `${JSON.stringify({ eventClass: INJECTION, eventId: "'); DELETE FROM events.events_function WHERE ('1'='1", eventAttributes: { q: INJECTION } })}\n${INJECTION}\n`;

/** One object in memory, as a bucket would hold it. */
const memorySource: Source = {
  url: 'gs://hostile-names',
  bucket: 'hostile-names',
  list: async function* () {},
  discover: () => Promise.resolve({ values: [], problems: [] }),
  read: async function* () {
    yield Buffer.from(CONTENT);
  },
  filePath: (name) => `gs://hostile-names/${name}`,
};

describe.skipIf(!emulatorsAvailable('values as query parameters', ['bigquery']))(
  'values reach BigQuery only as data (Write API rows), never as SQL',
  () => {
    let emu: RunningEmulator;
    let bq: BigQuery;
    beforeAll(async () => {
      emu = await startBigQuery();
      bq = emulatorBigQuery(emu.endpoint, emu.project);
    }, 120_000);
    afterAll(async () => {
      await emu?.stop();
    });

    it('an object name and event text shaped like SQL land as data, once', async () => {
      const warehouse = stagedWarehouse(bq, emu, DEFAULT_TABLE_NAMES);
      await warehouse.ensureTables();
      const first = await ingestFile({
        source: memorySource,
        warehouse,
        name: NAME,
        generation: '7',
        jobName: INJECTION,
      });
      expect(first).toEqual({ outcome: 'staged', events: 1, debug: 1 });
      const file = { filePath: `gs://hostile-names/${NAME}`, generation: '7' };
      expect([...(await warehouse.ingested([file]))]).toEqual([ledgerKey(file)]);
      expect(
        (await ingestFile({ source: memorySource, warehouse, name: NAME, generation: '7', jobName: 'again' })).outcome,
      ).toBe('staged'); // staged again; the promotion lands nothing twice (checked below)

      const [events] = await bq.query({
        query: 'SELECT event_class, event_id, event_attributes, job_name FROM events.events_function',
        useLegacySql: false,
      });
      expect(events).toEqual([
        {
          event_class: INJECTION,
          event_id: "'); DELETE FROM events.events_function WHERE ('1'='1",
          event_attributes: JSON.stringify({ q: INJECTION }),
          job_name: INJECTION,
        },
      ]);
      const [logs] = await bq.query({
        query: 'SELECT file_path, event FROM logs.events_logs_function ORDER BY event',
        useLegacySql: false,
      });
      expect(logs).toEqual([
        { file_path: file.filePath, event: 'ingested: 1 events, 1 debug rows' },
        { file_path: file.filePath, event: 'parse_initiated' },
      ]);
      const [debug] = await bq.query({ query: 'SELECT event FROM logs.events_debug_function', useLegacySql: false });
      expect(debug).toEqual([{ event: INJECTION }]);
      await warehouse.close();
    });
  },
);
