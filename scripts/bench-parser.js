#!/usr/bin/env node
// Parser benchmark: a bare readline + JSON.parse pass over an NDJSON file versus draining parseEvents,
// each in its own child process so the parser's peak RSS is its own. Prints one JSON line of figures.
//   npx tsc -p tsconfig.build.json && node scripts/bench-parser.js [--mib 256] [--file /tmp/x.ndjson]
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const mib = Number(flag('mib', '256'));
const file = flag('file', `/tmp/bench-parser-${mib}mib.ndjson`);
const mode = flag('mode', 'main');

const CLASSES = ['gameplay', 'economy', 'session', 'ui', 'progression'];
const TYPES = ['level_start', 'level_complete', 'purchase', 'click', 'session_start', 'ad_watched'];

function uuid(n) {
  const h = ((n * 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `${h}-${h.slice(0, 4)}-4${h.slice(1, 4)}-a${h.slice(4, 7)}-${h}${h.slice(0, 4)}`;
}

function eventLine(i) {
  const t = 1714521600000 + i * 37;
  const e = {
    eventId: uuid(i),
    eventIndex: i % 500,
    eventSource: i % 3 === 0 ? 'server' : 'client',
    eventClass: CLASSES[i % CLASSES.length],
    eventType: TYPES[i % TYPES.length],
    sessionId: uuid(Math.floor(i / 200)),
    buildVersion: `1.${i % 7}.${i % 13}`,
    eventEnvironment: 'production',
    eventTimestamp: i % 2 === 0 ? new Date(t).toISOString() : t,
    receivedTimestamp: new Date(t + 1500).toISOString().replace('Z', '123Z'),
    eventAttributes: {
      level: i % 60,
      score: (i * 7919) % 100000,
      durationMs: (i * 31) % 600000,
      items: ['sword', 'shield', `potion_${i % 9}`],
      device: { os: i % 2 ? 'android' : 'ios', model: `model-${i % 40}`, ram: 4096 },
      first: i % 17 === 0,
    },
  };
  return JSON.stringify(e);
}

async function generate() {
  const target = mib * 1024 * 1024;
  if (existsSync(file) && Math.abs(statSync(file).size - target) < 1024 * 1024) return;
  const out = createWriteStream(file);
  let size = 0;
  let buf = '';
  for (let i = 0; size < target; i++) {
    const line = `${eventLine(i)}\n`;
    size += line.length;
    buf += line;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function baseline() {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if (line !== '') {
      JSON.parse(line);
      n++;
    }
  }
  return n;
}

async function parser() {
  const { parseEvents } = await import('../dist/core/parse/event-parser.js');
  const ctx = {
    bucket: 'bench',
    name: 'data_type=json/analytics_environment=production/event_category=game/event_ds=2024-05-01/event_time=0-8/s/f',
    filePath: file,
    generation: '1',
    jobName: 'bench',
    insertedAt: 1714521600000000n,
  };
  let n = 0;
  for await (const batch of parseEvents(createReadStream(file), ctx)) n += batch.events.length + batch.debug.length;
  return n;
}

if (mode === 'main') {
  await generate();
  const self = fileURLToPath(import.meta.url);
  const run = (m) => {
    const r = spawnSync(process.execPath, [self, '--mode', m, '--file', file, '--mib', String(mib)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${m} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  run('baseline'); // warm the page cache
  const base = run('baseline');
  const parsed = run('parser');
  if (base.rows !== parsed.rows) throw new Error(`row counts differ: ${base.rows} vs ${parsed.rows}`);
  console.log(
    JSON.stringify({
      mib: Math.round((statSync(file).size / 1048576) * 10) / 10,
      rows: parsed.rows,
      baselineSeconds: base.seconds,
      parserSeconds: parsed.seconds,
      ratio: Math.round((parsed.seconds / base.seconds) * 100) / 100,
      peakRssMiB: parsed.peakRssMiB,
      baselinePeakRssMiB: base.peakRssMiB,
    }),
  );
} else {
  const start = performance.now();
  const rows = mode === 'baseline' ? await baseline() : await parser();
  const seconds = Math.round((performance.now() - start) / 10) / 100;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ rows, seconds, peakRssMiB }));
}
