// Preloaded with --require by the benchmarks: writes the process's peak RSS (KiB) when it exits.
const { writeFileSync } = require('node:fs');
const out = process.env.BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
