#!/usr/bin/env node
// Builds the deployable ingest function: build/function/ holds the compiled modules the entry
// point reaches (and nothing else), a package.json listing only the runtime packages those
// modules import, pinned to the versions this repository was tested with, and a .gcloudignore.
// `gcloud functions deploy … --source=build/function` uploads it; Cloud Build installs the deps.
//
//   node scripts/build-function.js [--out DIR] [--no-tsc]
//
// Run by `npm run build:function` (after `npm run build`, which compiles src/ to dist/).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** Static and dynamic import specifiers of one compiled module. */
function specifiers(source) {
  const found = new Set();
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) found.add(m[1]);
  return [...found];
}
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

// Walk the import graph from the entry point.
const modules = new Set();
const packages = new Set();
const queue = [entry];
while (queue.length > 0) {
  const file = queue.pop();
  if (modules.has(file)) continue;
  modules.add(file);
  for (const spec of specifiers(readFileSync(file, 'utf8'))) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(dist + sep)) throw new Error(`${relative(root, file)} imports ${spec}, outside dist/`);
      if (!existsSync(target)) throw new Error(`${relative(root, file)} imports ${spec}, which was not built`);
      queue.push(target);
    } else if (!builtins.has(spec)) {
      packages.add(packageOf(spec));
    }
  }
}

// Versions: exactly what is installed here (what the tests ran against).
const require = createRequire(join(root, 'package.json'));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dependencies = {};
for (const name of [...packages].sort()) {
  if (!rootPkg.dependencies?.[name])
    throw new Error(`the function imports ${name}, which is not a runtime dependency in package.json`);
  let version;
  try {
    version = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    version = JSON.parse(readFileSync(join(root, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
  }
  dependencies[name] = version;
}
if (!dependencies['@google-cloud/functions-framework'])
  throw new Error('the entry point must import @google-cloud/functions-framework');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of [...modules].sort()) {
  const target = join(out, relative(dist, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
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
writeFileSync(join(out, '.gcloudignore'), 'node_modules/\n*.map\n');
console.log(JSON.stringify({ out: relative(root, out) || '.', modules: modules.size, dependencies }));
