import { PermanentFileError } from '../core/errors.js';
import type { Source } from '../ports/source.js';
import { isNotFound } from './error-chain.js';

/** The source, with a missing object (or generation) turned into a permanent failure. */
export function guardedSource(source: Source, name: string, generation: string): Source {
  const read = (objectName: string, gen?: string): AsyncIterable<Uint8Array> => ({
    async *[Symbol.asyncIterator]() {
      try {
        yield* source.read(objectName, gen);
      } catch (error) {
        if (isNotFound(error)) {
          throw new PermanentFileError(`object ${source.filePath(name)} generation ${generation} no longer exists`, {
            cause: error,
          });
        }
        throw error;
      }
    },
  });
  return {
    url: source.url,
    bucket: source.bucket,
    list: (p, s) => source.list(p, s),
    discover: (p, s) => source.discover(p, s),
    read,
    filePath: (n) => source.filePath(n),
  };
}
