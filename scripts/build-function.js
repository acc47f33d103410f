#!/usr/bin/env node
// Builds the deployable ingest function: build/function/ holds one module, function/index.js,
// esbuild's bundle of the compiled entry point and every module of ours it reaches (packages stay
// imports), a package.json listing only the runtime packages the bundle imports (from esbuild's
// metafile), pinned to the versions this repository was tested with, a package-lock.json
// cut from this repository's (every package the function needs, at the path, version and
// integrity the tests ran with), and a .gcloudignore. `gcloud functions deploy …
// --source=build/function` uploads it; Cloud Build finds the lockfile and runs `npm ci`.
//
//   node scripts/build-function.js [--out DIR] [--no-tsc]
//
// Run by `npm run build:function` (after `npm run build`, which compiles src/ to dist/).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : join(root, 'build', 'function'));
const dist = join(root, 'dist');
const entry = join(dist, 'function', 'index.js');

if (!args.includes('--no-tsc')) {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
}
if (!existsSync(entry)) {
  console.error(`${relative(root, entry)} is missing: run npm run build first`);
  process.exit(1);
}

const FRAMEWORK = '@google-cloud/functions-framework';
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

// One bundle of our modules; every package stays an import, installed from the lockfile below.
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'function'), { recursive: true });
const bundled = await build({
  entryPoints: [entry],
  outfile: join(out, 'function', 'index.js'),
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  metafile: true,
  logLevel: 'warning',
});
const packages = new Set();
for (const output of Object.values(bundled.metafile.outputs))
  for (const imported of output.imports)
    if (imported.external && !builtins.has(imported.path)) packages.add(packageOf(imported.path));
const modules = Object.keys(bundled.metafile.inputs);
for (const input of modules)
  if (!resolve(root, input).startsWith(dist)) throw new Error(`the bundle took ${input}, outside dist/`);

// Versions: exactly what is installed here (what the tests ran against).
const require = createRequire(join(root, 'package.json'));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dependencies = {};
for (const name of [...packages].sort()) {
  // The framework serves only the function: the CLI package does not carry it (a devDependency).
  if (!rootPkg.dependencies?.[name] && !(name === FRAMEWORK && rootPkg.devDependencies?.[name]))
    throw new Error(`the function imports ${name}, which is not a runtime dependency in package.json`);
  let version;
  try {
    version = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    version = JSON.parse(readFileSync(join(root, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
  }
  dependencies[name] = version;
}
if (!dependencies[FRAMEWORK]) throw new Error('the entry point must import @google-cloud/functions-framework');

const pkg = {
  name: 'analytics-ingest-function',
  version: rootPkg.version,
  description:
    'The analytics-backfill ingest function (Cloud Run functions, CloudEvent signature, entry point "ingest").',
  private: true,
  type: 'module',
  main: 'function/index.js',
  engines: { node: '>=22' },
  scripts: { start: 'functions-framework --target=ingest --signature-type=cloudevent' },
  dependencies,
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(out, 'package-lock.json'), `${JSON.stringify(lockfileFor(pkg), null, 2)}\n`);
writeFileSync(join(out, '.gcloudignore'), 'node_modules/\n*.map\n');
console.log(JSON.stringify({ out: relative(root, out) || '.', modules: modules.length, dependencies }));

/**
 * The root lockfile cut to what `pkg`'s dependencies reach: each package at the same path (so the
 * same tree: hoisted where it was hoisted, nested where it was nested), version and integrity.
 */
function lockfileFor(pkg) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const all = lock.packages;
  // Node's lookup: node_modules/NAME beside `from`, then in each folder above it.
  const resolveFrom = (from, name) => {
    for (let base = from; ;) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (all[path]) return path;
      if (!base) return undefined;
      const up = base.lastIndexOf('/node_modules/');
      base = up < 0 ? '' : base.slice(0, up);
    }
  };
  const kept = {};
  const queue = Object.keys(pkg.dependencies).map((name) => ['', name, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.pop();
    const path = resolveFrom(from, name);
    if (!path) {
      if (optional) continue;
      throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}: run npm install`);
    }
    if (kept[path]) continue;
    // The flags that said how the repository used a package (dev, devOptional, peer) do not apply here.
    const entry = Object.fromEntries(
      Object.entries(all[path]).filter(([k]) => !['dev', 'devOptional', 'peer'].includes(k)),
    );
    kept[path] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      queue.push([path, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
  }
  const sorted = Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
  return {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, engines: pkg.engines },
      ...sorted,
    },
  };
}
