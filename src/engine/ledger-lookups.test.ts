import { describe, expect, it } from 'vitest';
import { ledgerKey, type FileKey, type Warehouse } from '../ports/warehouse.js';
import { LedgerLookups } from './ledger-lookups.js';

/** A ledger holding `landed`, answering after a tick, that records how it was asked. */
function ledger(landed: readonly FileKey[], fail?: (call: number) => boolean) {
  const keys = new Set(landed.map(ledgerKey));
  const calls: number[] = [];
  let running = 0;
  let mostRunning = 0;
  const warehouse: Warehouse = {
    url: 'test:',
    ensureTables: () => Promise.resolve(),
    openWriter: () => {
      throw new Error('not used');
    },
    close: () => Promise.resolve(),
    async ingested(files) {
      calls.push(files.length);
      const call = calls.length;
      mostRunning = Math.max(mostRunning, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      if (fail?.(call)) throw new Error(`ledger query ${call} failed`);
      return new Set(files.map(ledgerKey).filter((k) => keys.has(k)));
    },
  };
  return { warehouse, calls, mostRunning: () => mostRunning };
}

const files = (n: number, from = 0): FileKey[] =>
  Array.from({ length: n }, (_, i) => ({
    filePath: `gs://b/data_type=json/f${from + i}`,
    generation: String(from + i),
  }));

describe('LedgerLookups', () => {
  it('asks about every file once, in chunks, a few at a time, and finds exactly the landed ones', async () => {
    const all = files(1050);
    const landed = [all[3]!, all[499]!, all[1049]!];
    const l = ledger(landed);
    const found: string[] = [];
    const answered: string[] = [];
    const lookups = new LedgerLookups<FileKey>(
      l.warehouse,
      (f) => f,
      (f, landed) => {
        answered.push(ledgerKey(f));
        if (landed) found.push(ledgerKey(f));
      },
      {},
      100,
      3,
    );
    for (const f of all) await lookups.add(f);
    await lookups.done();
    expect(found.sort()).toEqual(landed.map(ledgerKey).sort());
    expect(answered.sort()).toEqual(all.map(ledgerKey).sort());
    expect(l.calls).toEqual([...Array<number>(10).fill(100), 50]);
    expect(l.mostRunning()).toBeLessThanOrEqual(3);
    expect(l.mostRunning()).toBeGreaterThan(1); // they do overlap
  });

  it('says which files not landed have a complete copy staged for the next promotion', async () => {
    const all = files(30);
    const l = ledger([all[0]!, all[1]!]);
    const stagedKeys = new Set([all[1]!, all[2]!, all[29]!].map(ledgerKey)); // all[1] landed and is staged again
    const asked: number[] = [];
    const warehouse: Warehouse = {
      ...l.warehouse,
      async staged(fs) {
        asked.push(fs.length);
        return new Set(fs.map(ledgerKey).filter((k) => stagedKeys.has(k)));
      },
    };
    const result = new Map<string, string>();
    const lookups = new LedgerLookups<FileKey>(
      warehouse,
      (f) => f,
      (f, landed, staged) => result.set(ledgerKey(f), landed ? 'landed' : staged ? 'staged' : 'open'),
      {},
      10,
    );
    for (const f of all) await lookups.add(f);
    await lookups.done();
    expect([...result.values()].filter((v) => v === 'landed')).toHaveLength(2);
    expect(
      [...result]
        .filter(([, v]) => v === 'staged')
        .map(([k]) => k)
        .sort(),
    ).toEqual([all[2]!, all[29]!].map(ledgerKey).sort());
    expect(asked).toEqual([8, 10, 10]); // only the files not landed are asked about
  });

  it('asks nothing for no files', async () => {
    const l = ledger([]);
    await new LedgerLookups<FileKey>(
      l.warehouse,
      (f) => f,
      () => undefined,
    ).done();
    expect(l.calls).toEqual([]);
  });

  it('without a warehouse, answers "not landed" at once and asks nothing', async () => {
    const answers: boolean[] = [];
    const lookups = new LedgerLookups<FileKey>(
      undefined,
      (f) => f,
      (_f, landed) => answers.push(landed),
    );
    for (const f of files(3)) await lookups.add(f);
    expect(answers).toEqual([false, false, false]);
    await lookups.done();
  });

  it('a failed ledger query fails the lookups, even when it failed while others ran', async () => {
    const l = ledger([], (call) => call === 2);
    const lookups = new LedgerLookups<FileKey>(
      l.warehouse,
      (f) => f,
      () => undefined,
      {},
      10,
      8,
    );
    const all = async () => {
      for (const f of files(45)) await lookups.add(f);
      await lookups.done();
    };
    await expect(all()).rejects.toThrow('ledger query 2 failed');
  });
});
