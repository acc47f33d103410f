/**
 * Builds dist/ from the sources before any test runs: the CLI the end-to-end tests spawn, the DuckDB
 * warehouse's worker thread and the deployable function all run compiled JavaScript, and a test must
 * never run what an older build left behind. `tsc --incremental` makes an unchanged tree cost ~2 s.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  execFileSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'],
    { cwd: root, stdio: 'inherit' },
  );
  // The wizard's bundle, which bin/ loads (the rest of `npm run build`).
  execFileSync(process.execPath, ['scripts/build-wizard.js'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
