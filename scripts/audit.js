// `npm run audit`: known vulnerabilities in the runtime dependencies (`npm audit --omit=dev`).
// Fails on any high or critical finding and names each one. When the registry cannot answer an
// audit (an offline mirror, or one without the advisory endpoint), it says so loudly and, unless
// REQUIRE_AUDIT=1, does not fail: the check did not run, which is not the same as a finding.
import { spawnSync } from 'node:child_process';

const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  report = undefined;
}

const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.statusCode
    ? `the registry's audit endpoint answered HTTP ${report.statusCode}`
    : (result.stderr.trim().split('\n').at(-1) ?? 'no report');
  console.error(`AUDIT NOT RUN: ${why}; no advisory data reached this machine, so nothing was checked.`);
  process.exit(process.env.REQUIRE_AUDIT === '1' ? 1 : 0);
}

const serious = Object.values(report.vulnerabilities ?? {}).filter(
  (v) => v.severity === 'high' || v.severity === 'critical',
);
const deps = report.metadata.dependencies?.prod ?? report.metadata.dependencies?.total ?? '?';
if (serious.length > 0) {
  console.error(
    `npm audit: high or critical findings in ${serious.length} runtime ${serious.length === 1 ? 'dependency' : 'dependencies'}:`,
  );
  for (const v of serious) {
    const titles = (v.via ?? []).map((x) => (typeof x === 'string' ? `via ${x}` : x.title)).join('; ');
    console.error(
      `  ${v.name} (${v.severity}, ${v.range}): ${titles}${v.fixAvailable ? ' — a fix is available: npm audit fix' : ''}`,
    );
  }
  process.exit(1);
}
console.log(
  `npm audit: ${deps} runtime dependencies; no high or critical findings (${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low).`,
);
