// Issue 27's hostile input shapes, shared by bench-memory (a folder into DuckDB) and bench-function
// (a bucket through the ingest function): each yields its file's text in pieces, so neither bench
// holds a file whole. `mib` scales a shape's size; the events it holds are counted as it goes.

const event = (i, attributes) =>
  JSON.stringify({ eventClass: 'c', eventId: `${i}`, sessionId: 's', eventIndex: i, eventAttributes: attributes });

/** One file of `kind`, about `mib` MiB: its text in pieces; `counted.events` once drained. */
export function* oneFileText(kind, mib, counted = { events: 0 }) {
  let bytes = 0;
  let i = 0;
  let pending = [];
  if (kind === 'array-line') yield '[';
  while (bytes < mib * 2 ** 20) {
    const text =
      kind === 'big-events'
        ? `${event(i, { blob: 'x'.repeat(3_900_000) })}\n`
        : kind === 'wide-50KB'
          ? `${event(i, { blob: 'y'.repeat(50_000) })}\n`
          : kind === 'cr-only'
            ? `${event(i, { a: i })}\r`
            : kind === 'concatenated'
              ? event(i, { a: i })
              : kind === 'array-line'
                ? `${i ? ',' : ''}${event(i, { a: i })}`
                : `${event(i, { a: i })}\n`;
    pending.push(text);
    bytes += text.length;
    i++;
    if (pending.length >= 1000 || text.length > 2 ** 20) yield pending.splice(0).join('');
  }
  yield pending.join('');
  if (kind === 'array-line') yield ']\n';
  counted.events = i;
}

/** The text of a small file holding 20,000 one-line events (3.8 KB once gzipped at level 9). */
export const manyRowsText = () => '{"eventClass":"c","eventId":"1","sessionId":"s","eventIndex":1}\n'.repeat(20_000);

/** The shapes, each with its size in MiB for a given scale (`mib`, 200 in bench-memory). */
export const SHAPES = [
  ['tiny-events', (mib) => mib],
  ['cr-only', (mib) => mib],
  ['concatenated', (mib) => mib / 2],
  ['array-line', (mib) => mib / 2],
  ['big-events', (mib) => (178 * mib) / 200],
  ['wide-50KB', (mib) => (150 * mib) / 200],
];
