// Issue 11, item 10: the shared parser takes linear time whatever the framing. The same records
// (24 MiB) as NDJSON (the floor, same run), written back to back (`{…}{…}`), split only by `\r`,
// after a valid first line, and as one array line after a first line (streamed since it is longer
// than maxLineBytes). Every record is counted exactly; a framing slower than LIMIT× the NDJSON
// pass prints `LIMIT MISSED` (fatal with BENCH_STRICT=1). Before the fix, 8 MiB `\r`-split took 50 s.
// Each framing is fed in pieces of 64 KiB (a file read) and of 1 KiB (`@1KiB`: what a network stream
// may hand over; 16 MiB split by `\r` took 70 s in 1 KiB pieces before the first line was searched
// piece by piece, 0.65 s after), against NDJSON fed the same way.
import { parseEvents } from '../dist/core/parse/event-parser.js';

const MIB = Number(process.env.BENCH_FRAMINGS_MIB ?? 24);
const LIMIT = 8;
const ctx = {
  bucket: 'b',
  name: 'data_type=json/analytics_environment=live/event_category=c/event_ds=2024-03-01/event_time=0-8/f',
  filePath: 'f',
  generation: '1',
  jobName: 'bench',
  insertedAt: 0n,
};
const rec = (i) =>
  JSON.stringify({ eventClass: 'c', eventId: `e${i}`, eventIndex: i, eventAttributes: { pad: 'p'.repeat(40) } });
const n = Math.floor((MIB * 2 ** 20) / rec(1).length);
const recs = Array.from({ length: n }, (_, i) => rec(i));
const framings = {
  ndjson: () => recs.join('\n'),
  'back-to-back': () => recs.join(''),
  'cr-only': () => recs.join('\r'),
  'first-line-then-back-to-back': () => `${recs[0]}\n${recs.slice(1).join('')}`,
  'array-on-second-line': () => `${recs[0]}\n[${recs.slice(1).join(',')}]`,
};
const expectedEvents = { 'first-line-then-back-to-back': 1 }; // contract §2.4: a line that is not JSON is one debug row
const figures = {};
let failed = false;
for (const piece of [65536, 1024]) {
  for (const [framing, make] of Object.entries(framings)) {
    const name = piece === 65536 ? framing : `${framing}@1KiB`;
    const bytes = Buffer.from(make());
    const chunks = [];
    for (let i = 0; i < bytes.length; i += piece) chunks.push(bytes.subarray(i, i + piece));
    const started = performance.now();
    let events = 0;
    for await (const batch of parseEvents(chunks, ctx)) events += batch.events.length;
    const seconds = (performance.now() - started) / 1000;
    const want = expectedEvents[framing] ?? n;
    if (events !== want) {
      console.error(`COUNT WRONG: ${name}: ${events} events, expected ${want}`);
      failed = true;
    }
    figures[name] = Number(seconds.toFixed(2));
  }
}
const ratios = Object.fromEntries(
  Object.entries(figures).map(([k, s]) => [
    k,
    Number((s / (k.endsWith('@1KiB') ? figures['ndjson@1KiB'] : figures.ndjson)).toFixed(1)),
  ]),
);
for (const [name, r] of Object.entries(ratios)) {
  if (r > LIMIT) {
    console.error(`LIMIT MISSED: ${name}: ${r}× the NDJSON pass, limit ${LIMIT}×`);
    if (process.env.BENCH_STRICT === '1') failed = true;
  }
}
console.log(
  JSON.stringify({ bench: 'framings', mib: MIB, records: n, seconds: figures, ratioToNdjson: ratios, limit: LIMIT }),
);
process.exitCode = failed ? 1 : 0;
