// Preloaded with --require by the benchmarks: when the process exits, writes its peak RSS (KiB) and
// the CPU time it used (µs, user + system) on one line, so a bench can tell its own cost from the
// time it spent waiting on a server.
const { writeFileSync } = require('node:fs');
const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`);
  });
}
