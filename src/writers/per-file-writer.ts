import type { FileBatches, FileKey, FileWriter, WriteOutcome } from '../ports/warehouse.js';

/** A writer that commits each file on its own, as `writeFile` does: for warehouses without groups. */
export function createPerFileWriter(
  writeFile: (file: FileKey, batches: FileBatches) => Promise<WriteOutcome>,
): FileWriter {
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  return {
    write(file, batches) {
      if (closed) return Promise.reject(new Error('write after the writer was closed'));
      const written = writeFile(file, batches);
      const tracked = written.catch(() => undefined).finally(() => pending.delete(tracked));
      pending.add(tracked);
      return written;
    },
    async close() {
      closed = true;
      await Promise.all(pending);
    },
  };
}
