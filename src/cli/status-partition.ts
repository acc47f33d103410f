import { objectKey } from '../core/layout/source-object.js';
import { dayNumberOf } from '../core/calendar.js';
import { documentOf } from './json-output.js';
import { UsageError } from '../core/errors.js';
import { countOf, formatBytes, formatCount, printable, wrapText } from '../core/present/format.js';
import { levelPrefix, partitionPrefix, TIME_BUCKETS, type TimeBucket } from '../core/layout/partition-layout.js';
import { didYouMean } from '../core/present/did-you-mean.js';
import { partitionFiles, type FileState } from '../engine/partition-files.js';
import { reconcile, type Reconciled } from '../engine/reconcile.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import type { StatusIo } from './status-io.js';

/** Landed files reconciled at once. */
const CHUNK = 500;

/**
 * `status --partition ENV/CATEGORY/YYYY-MM-DD/TIME`: each file of the partition with its state and
 * size, and for a landed file, what its ledger row says was parsed against what the warehouse holds
 * (events by the file's default batch_id, debug rows by file), a chunk of files at a time.
 */
export async function statusOfPartition(
  spec: string,
  dataType: string,
  session: { source: Source; warehouse: Warehouse | undefined },
  io: StatusIo,
  json: boolean,
  failed: ReadonlyMap<string, string> = new Map(),
): Promise<number> {
  const [environment, category, ds, time, ...rest] = spec.split('/');
  if (rest.length > 0 || !environment || !category || !ds || dayNumberOf(ds) === undefined || !isTimeBucket(time)) {
    throw new UsageError(
      `--partition "${spec}" is not ENVIRONMENT/CATEGORY/YYYY-MM-DD/TIME (TIME: 0-8, 8-16 or 16-24)`,
    );
  }
  // A name the bucket does not hold is refused, not answered with "0 files".
  const envs = (await session.source.discover(levelPrefix([dataType]))).values;
  refuseAbsent(spec, 'environment', environment, envs, session.source.url);
  const categories = (await session.source.discover(levelPrefix([dataType, environment]))).values;
  refuseAbsent(spec, `category under ${environment}`, category, categories, session.source.url);
  const partition = { dataType, environment, category, ds, time };
  const prefix = partitionPrefix(partition);
  const counts: Record<FileState, number> = { landed: 0, staged: 0, missing: 0, failed: 0, unreadable: 0 };
  const tally = { matching: 0, short: 0, over: 0 };
  let pending: { object: SourceObject; state: FileState }[] = [];
  /** The column heads, printed above the first file's row. */
  let headed = false;

  const flush = async () => {
    const chunk = pending;
    pending = [];
    const landed = chunk.filter((f) => f.state === 'landed');
    const checks = session.warehouse
      ? await reconcile(
          session.warehouse,
          landed.map((f) => ({ object: f.object, filePath: session.source.filePath(f.object.name) })),
        )
      : [];
    const checkOf = new Map<SourceObject, Reconciled>(landed.map((f, i) => [f.object, checks[i]!]));
    for (const { object, state } of chunk) {
      const check = checkOf.get(object);
      if (check) {
        if (check.matches) tally.matching++;
        else if (check.parsed && check.found.events < check.parsed.events) tally.short++;
        else tally.over++;
      }
      const name = object.name.slice(prefix.length);
      const why =
        state === 'failed' ? failed.get(objectKey(object)) : state === 'unreadable' ? object.problem : undefined;
      if (json) {
        const line = {
          ...documentOf('file'),
          name,
          size: object.size,
          generation: object.generation,
          state,
          ...(why ? { error: why } : {}),
          ...(check ? { parsed: check.parsed, found: check.found, matches: check.matches } : {}),
        };
        io.stdout.write(`${JSON.stringify(line)}\n`);
      } else {
        const recon = check?.parsed
          ? `${check.found.events}/${check.parsed.events} ev ${check.found.debug}/${check.parsed.debug} dbg${check.matches ? '' : ' !'}`
          : '';
        if (!headed) {
          headed = true;
          io.stdout.write(`${'state'.padEnd(10)} ${'size'.padStart(9)}  ${'landed/parsed'.padEnd(22)} file\n`);
        }
        io.stdout.write(
          `${state.padEnd(10)} ${formatBytes(object.size).padStart(9)}  ${recon.padEnd(22)} ${printable(name)}\n` +
            (why ? `           ${printable(oneLine(why))}\n` : ''),
        );
      }
    }
  };

  await partitionFiles(
    session.source,
    session.warehouse,
    partition,
    (object, state) => {
      counts[state]++;
      pending.push({ object, state });
    },
    io.interrupt,
    failed,
  );
  // The partition's list (one folder's files) is gathered first, then reconciled a chunk at a time.
  const all = pending;
  for (let at = 0; at < all.length; at += CHUNK) {
    pending = all.slice(at, at + CHUNK);
    await flush();
  }
  if (!json) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const landedLine =
      counts.landed === 0
        ? ''
        : ` Of the landed: ${formatCount(tally.matching)} hold exactly what their ledger row says was parsed` +
          (tally.short + tally.over > 0
            ? `; ${formatCount(tally.short)} have fewer events under their default batch_id (events with their own batchId cannot be traced to a file, so this is not proof of loss) and ${formatCount(tally.over)} more or other rows (!)`
            : '') +
          '.';
    io.stdout.write(
      `${wrapText(
        `${countOf(total, 'file')} in ${environment}/${category}/${ds}/${time}: ${formatCount(counts.landed)} landed, ` +
          `${formatCount(counts.staged)} staged, ${formatCount(counts.missing)} not landed, ${formatCount(counts.failed)} failed, ` +
          `${formatCount(counts.unreadable)} unreadable.${landedLine}`,
        80,
      ).join('\n')}\n`,
    );
  }
  return 0;
}

/** An error as one line of the listing (an error may span lines; the listing never does). */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 300);

const isTimeBucket = (t: string | undefined): t is TimeBucket => (TIME_BUCKETS as readonly string[]).includes(t ?? '');

function refuseAbsent(spec: string, what: string, value: string, present: readonly string[], url: string): void {
  if (present.includes(value)) return;
  const guess = didYouMean(value, present);
  throw new UsageError(
    `--partition "${spec}": ${what} "${value}" is not in ${url}` +
      (present.length > 0 ? ` (present: ${present.join(', ')})` : ''),
    guess !== undefined
      ? `Did you mean "${guess}"?`
      : 'Choose one the bucket holds (status without --partition maps them).',
  );
}
