import { batchIdOf } from '../core/parse/file-context.js';
import type { SourceObject } from '../ports/source.js';
import { ledgerKey, type Warehouse } from '../ports/warehouse.js';

/**
 * A landed file's reconciliation: what its ledger row says was parsed (`ingested: N events, M
 * debug rows`) against what the warehouse holds: its debug rows (they carry the file's path and
 * generation: exact) and the events with the file's default `batch_id` (events carry no file column;
 * an event with its own `batchId` cannot be traced to its file, so fewer events is not proof of loss).
 * Files that share a default batch id (the same last two name segments, in other partitions) are
 * counted together: a file's events are those under its batch id less what the others' ledger rows
 * say they parsed.
 */
export interface Reconciled {
  parsed: { events: number; debug: number } | undefined;
  found: { events: number; debug: number };
  /** Both counts equal: what landed is what was parsed. */
  matches: boolean;
}

const LEDGER_TEXT = /^ingested: (\d+) events, (\d+) debug rows/;

/** Reconciles landed files (a few hundred at a time), in the order given. */
export async function reconcile(
  warehouse: Warehouse,
  files: readonly { object: SourceObject; filePath: string }[],
): Promise<Reconciled[]> {
  if (!warehouse.landed || files.length === 0) return [];
  const keys = files.map((f) => ({
    filePath: f.filePath,
    generation: f.object.generation,
    name: f.object.name,
    batchId: batchIdOf(f.object.name),
  }));
  const landed = await warehouse.landed(keys);
  return keys.map((k) => {
    const m = LEDGER_TEXT.exec(landed.ledger.get(ledgerKey(k)) ?? '');
    const parsed = m ? { events: Number(m[1]), debug: Number(m[2]) } : undefined;
    // Files elsewhere with the same last two name segments land their events under the same batch
    // id: what they say they parsed is theirs, the rest this file's.
    const others = parsed ? Math.max(0, (landed.batchParsed?.get(k.batchId) ?? parsed.events) - parsed.events) : 0;
    const events = (landed.events.get(k.batchId) ?? 0) - others;
    const found = { events, debug: landed.debug.get(ledgerKey(k)) ?? 0 };
    return {
      parsed,
      found,
      matches: parsed !== undefined && parsed.events === found.events && parsed.debug === found.debug,
    };
  });
}
