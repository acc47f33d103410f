import { isObjectGeneration } from '../core/layout/file-generation.js';
import type { Readable } from 'node:stream';
import type { File, FileMetadata, Storage } from '@google-cloud/storage';
import { PermanentFileError, TransientError } from '../core/errors.js';
import { levelKey, levelValue } from '../core/layout/partition-layout.js';
import type { NotifiedObject, ObjectDetails } from '../core/layout/storage-notification.js';
import type { Discovery, Source } from '../ports/source.js';
import { defaultReadIdleMs, idleGuarded } from './idle-read.js';

export interface GcsSourceOptions {
  storage: Storage;
  /** The bucket name, or `gs://bucket`. */
  bucket: string;
  /** Objects per listing page (GCS allows at most 1000). */
  pageSize?: number;
  /** Longest wait for the next chunk of a download before it fails as transient (default 60 s, env GCS_READ_IDLE_MS). */
  readIdleMs?: number;
}

/** The bucket of a `gs://bucket[/…]` URL, or the bare name as given. */
export function bucketName(bucketOrUrl: string): string {
  const m = /^gs:\/\/([^/]+)\/?/.exec(bucketOrUrl);
  return m?.[1] ?? bucketOrUrl;
}

/** The object listing query, as the client returns them with `autoPaginate: false`. */
type PageQuery = {
  prefix: string;
  pageToken?: string;
  maxResults: number;
  autoPaginate: false;
  delimiter?: string;
  fields?: string;
};

/** A partial response: only what a listing needs (GCS otherwise sends every object's full resource). */
const LIST_FIELDS =
  'nextPageToken,items(name,size,generation,metageneration,updated,timeCreated,contentType,contentEncoding,storageClass,md5Hash,crc32c,etag)';

/** A listed item: a File, or (with `fields`, as the client returns it then) the raw resource. */
type Listed = File | FileMetadata;

function toObject(item: Listed): NotifiedObject {
  const md: FileMetadata = 'metadata' in item && item.metadata ? item.metadata : (item as FileMetadata);
  const details: ObjectDetails = {};
  if (md.metageneration !== undefined) details.metageneration = String(md.metageneration);
  if (md.contentType) details.contentType = md.contentType;
  if (md.contentEncoding) details.contentEncoding = md.contentEncoding;
  if (md.timeCreated) details.timeCreated = md.timeCreated;
  if (md.storageClass) details.storageClass = md.storageClass;
  if (md.md5Hash) details.md5Hash = md.md5Hash;
  if (md.crc32c) details.crc32c = md.crc32c;
  if (md.etag) details.etag = md.etag;
  return {
    name: String(md.name ?? (item as File).name),
    size: Number(md.size ?? 0),
    generation: String(md.generation ?? ''),
    updated: String(md.updated ?? md.timeCreated ?? ''),
    // Extra, for notifications that carry the real object's hashes and content type.
    details,
  };
}

/**
 * A GCS bucket as a source. Listing follows every page itself (`autoPaginate: false` and the
 * page token), so memory holds one page at a time however many objects there are.
 */
export function createGcsSource(opts: GcsSourceOptions): Source {
  const name = bucketName(opts.bucket);
  const bucket = opts.storage.bucket(name);
  const pageSize = Math.min(Math.max(opts.pageSize ?? 1000, 1), 1000);
  const readIdleMs = opts.readIdleMs ?? defaultReadIdleMs();

  async function page(query: PageQuery): Promise<{ files: Listed[]; next?: string; prefixes: string[] }> {
    const [files, nextQuery, response] = (await bucket.getFiles(query)) as unknown as [
      Listed[],
      { pageToken?: string } | null | undefined,
      { prefixes?: string[] } | undefined,
    ];
    const next = nextQuery?.pageToken;
    return next ? { files, next, prefixes: response?.prefixes ?? [] } : { files, prefixes: response?.prefixes ?? [] };
  }

  return {
    url: `gs://${name}`,
    bucket: name,
    async *list(prefix, signal) {
      let pageToken: string | undefined;
      do {
        signal?.throwIfAborted();
        const query: PageQuery = { prefix, maxResults: pageSize, autoPaginate: false, fields: LIST_FIELDS };
        if (pageToken) query.pageToken = pageToken;
        const { files, next } = await page(query);
        for (const f of files) {
          const o = toObject(f);
          if (o.name.endsWith('/') && o.size === 0) continue; // folder placeholders
          yield o;
        }
        pageToken = next;
      } while (pageToken);
    },
    async discover(prefix, signal) {
      const values = new Set<string>();
      const problems: Discovery['problems'] = [];
      let pageToken: string | undefined;
      do {
        signal?.throwIfAborted();
        const query: PageQuery = {
          prefix,
          delimiter: '/',
          maxResults: pageSize,
          autoPaginate: false,
          fields: 'prefixes,nextPageToken',
        };
        if (pageToken) query.pageToken = pageToken;
        const { next, prefixes } = await page(query);
        for (const p of prefixes) {
          const segment = p.slice(prefix.length).replace(/\/$/, '');
          const value = levelValue(prefix, segment);
          if (value !== undefined) values.add(value);
          else problems.push(oddFolder(prefix, segment));
        }
        pageToken = next;
      } while (pageToken);
      return { values: [...values].sort(), problems };
    },
    async *read(objectName, generation) {
      const file = generation ? bucket.file(objectName, { generation }) : bucket.file(objectName);
      const stream = file.createReadStream({ decompress: false }) as Readable & AsyncIterable<Uint8Array>;
      const where = `gs://${name}/${objectName}${generation ? `#${generation}` : ''}`;
      try {
        yield* idleGuarded(stream, readIdleMs, where);
      } catch (err) {
        if (err instanceof TransientError) throw err;
        const code = (err as { code?: unknown }).code;
        if (code === 404) throw new PermanentFileError(`${where} no longer exists (deleted or overwritten)`);
        if (code === 403) throw new PermanentFileError(`${where}: permission denied`);
        if (code === 429 || (typeof code === 'number' && code >= 500))
          throw new TransientError(`${where}: ${(err as Error).message}`);
        throw err;
      } finally {
        stream.destroy();
      }
    },
    filePath(objectName) {
      return `gs://${name}/${objectName}`;
    },
    isGeneration: isObjectGeneration,
  };
}

/** A folder (common prefix) of a level that is not that level's `key=VALUE`: said, not skipped. */
function oddFolder(prefix: string, segment: string): Discovery['problems'][number] {
  return {
    name: `${prefix}${segment}`,
    size: 0,
    generation: '0',
    updated: new Date(0).toISOString(),
    problem: `is not a ${levelKey(prefix) ?? 'key'}=VALUE folder: rename it to ingest it`,
  };
}
